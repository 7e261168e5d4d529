package tdxsim.stress.catalogue;

import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.actors.monitor.Observation;
import tdxsim.protocol.LockMode;
import tdxsim.stress.ext.DesignChange;
import tdxsim.stress.ext.TdxSimPlugin;
import tdxsim.stress.ext.UserInvariant;

/**
 * A test plugin whose one "invariant" fires when an exploration reaches a window in which an mmu_lock writer has
 * released the lock in the middle of a flow: between the flow step {@code opens} (reported by the writer just
 * before its write_unlock) and that writer's next write_lock, another context takes mmu_lock in {@code mode}.
 * A sweep that finds it has reached the window; with the old model (no drop) it can never fire.
 */
final class WindowProbe implements TdxSimPlugin {
  static final String INVARIANT = "probe.window-reached";
  private final String opens;
  private final LockMode mode;

  WindowProbe(String opens, LockMode mode) {
    this.opens = opens;
    this.mode = mode;
  }

  @Override
  public String name() {
    return "window-probe";
  }

  @Override
  public String version() {
    return "1";
  }

  @Override
  public List<DesignChange<?>> options() {
    return List.of();
  }

  @Override
  public List<UserInvariant> invariants() {
    return List.of(new UserInvariant(INVARIANT, "fires when " + opens + "'s window is reached",
        config -> new Check()));
  }

  /** One schedule: the current writer, the writer whose window is open, and what got in. */
  private final class Check implements UserInvariant.Check {
    private String writer;
    private String dropped;
    private String found;

    @Override
    public void observe(Observation o) {
      if (o instanceof MmuObservation.FlowStep f && f.flow().name().equals(opens) && writer != null) {
        dropped = writer;
      } else if (o instanceof MmuObservation.MmuLockChanged l && l.acquired()) {
        if (l.mode() == LockMode.EXCLUSIVE) writer = l.owner();
        if (dropped != null && l.owner().equals(dropped) && l.mode() == LockMode.EXCLUSIVE) {
          dropped = null;
        } else if (dropped != null && l.mode() == mode && found == null) {
          found = l.owner() + " took mmu_lock " + mode + " in " + dropped + "'s " + opens + " window";
        }
      }
    }

    @Override
    public Optional<String> afterDelivery() {
      return Optional.ofNullable(found);
    }
  }
}
