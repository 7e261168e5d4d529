package tdxsim.stress.ext;

import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;

/**
 * A user's plugin, as a user writes one: an option on a KVM-side actor ({@link WriterBesideReadersLock}) and an
 * invariant of their own, stricter than the model's (no 2M private leaf ever, as a design that maps 4K only would
 * promise), which the v3 baseline breaks as soon as a fault maps 2M.
 */
public final class AcmePlugin implements TdxSimPlugin {
  public static final String INVARIANT = "acme.no-2m-private-leaf";

  @Override
  public String name() {
    return "acme";
  }

  @Override
  public String version() {
    return "1.0";
  }

  @Override
  public List<DesignChange<?>> options() {
    return List.of(WriterBesideReadersLock.option());
  }

  @Override
  public List<UserInvariant> invariants() {
    return List.of(new UserInvariant(INVARIANT, "the S-EPT never maps a 2M private page", config -> new No2M()));
  }

  /** One schedule's state: the first 2M leaf seen. */
  static final class No2M implements UserInvariant.Check {
    private String found;

    @Override
    public void observe(Observation o) {
      if (found == null && o instanceof SeptObservation.SeptEntryChanged e && e.level() == Level.PG_LEVEL_2M
          && (e.to() == SeptState.MAPPED || e.to() == SeptState.PENDING)) {
        found = String.format("S-EPT entry 2M 0x%x became %s", e.gfn(), e.to());
      }
    }

    @Override
    public Optional<String> afterDelivery() {
      return Optional.ofNullable(found);
    }
  }
}
