package tdxsim.stress.ext;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.vm.VmConfig;

/**
 * An invariant of one's own, over the observations the actors report ({@link tdxsim.actors.monitor.ObservationApi}:
 * the records of {@code MmuObservation}, {@code SeptObservation}, {@code GmemObservation}). For each schedule (and
 * each TD) the runtime asks for a fresh {@link Check}; it sees every observation as it happens, is asked after every
 * delivery and once more when nothing is left to deliver. The first violation ends the schedule and becomes the
 * trace's verdict, as a built-in invariant's would.
 *
 * @param id a dotted name, unique ({@code acme.no-writer-beside-readers}); the trace's verdict names it
 * @param description one line, for {@code ./tdxsim list}
 * @param checks a fresh check for one schedule of this VM
 */
public record UserInvariant(String id, String description, Function<VmConfig, Check> checks) {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  public UserInvariant {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(checks, "checks");
    if (id == null || !ID.matcher(id).matches()) throw new IllegalArgumentException("invariant id: " + id);
  }

  /** One schedule's check. Deterministic: no clocks, no randomness; keep state by gfn and actor name. */
  public interface Check {
    /** Every observation, synchronously, in the order the actors report them. */
    void observe(Observation o);

    /** After every delivery: a broken property, if any. */
    default Optional<String> afterDelivery() {
      return Optional.empty();
    }

    /** Nothing left to deliver: unfinished work, if any. */
    default Optional<String> atQuiescence() {
      return Optional.empty();
    }
  }
}
