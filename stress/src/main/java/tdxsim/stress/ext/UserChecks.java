package tdxsim.stress.ext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.VmConfig;

/** One TD's checks of the plugin invariants for one schedule: fed by the TD's monitor, asked after the built-ins. */
public final class UserChecks {
  private final List<UserInvariant> invariants;
  private final List<UserInvariant.Check> checks = new ArrayList<>();

  public UserChecks(List<UserInvariant> invariants, VmConfig config) {
    this.invariants = List.copyOf(invariants);
    for (UserInvariant i : invariants) checks.add(i.checks().apply(config));
  }

  /** {@code builtIn}, then every check, for each observation. */
  public Monitor tee(Monitor builtIn) {
    if (checks.isEmpty()) return builtIn;
    return o -> {
      builtIn.observe(o);
      for (UserInvariant.Check c : checks) c.observe(o);
    };
  }

  public Optional<Violation> afterDelivery() {
    return first(UserInvariant.Check::afterDelivery);
  }

  public Optional<Violation> atQuiescence() {
    Optional<Violation> v = afterDelivery();
    return v.isPresent() ? v : first(UserInvariant.Check::atQuiescence);
  }

  private Optional<Violation> first(Function<UserInvariant.Check, Optional<String>> f) {
    for (int i = 0; i < checks.size(); i++) {
      Optional<String> d = f.apply(checks.get(i));
      if (d.isPresent()) return Optional.of(Violation.of(invariants.get(i).id(), d.get()));
    }
    return Optional.empty();
  }
}
