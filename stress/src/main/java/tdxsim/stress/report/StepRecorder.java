package tdxsim.stress.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.GmemObservation;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.stress.ext.TdxSimPlugin;
import tdxsim.stress.ext.UserInvariant;

/**
 * Collects the observations of each delivery of a replay, by riding along as a plugin invariant that never fires
 * (asked after every delivery, so the observations between two asks are one delivery's). Only for reports: the
 * replayed trace, verdict and hash are not affected.
 */
final class StepRecorder implements UserInvariant.Check {
  private final List<List<Observation>> steps = new ArrayList<>();
  private List<Observation> current = new ArrayList<>();

  /** A plugin whose one invariant is this recorder. */
  TdxSimPlugin plugin() {
    return TdxSimPlugin.builder("tdxsim-report", "1")
        .invariant(new UserInvariant("tdxsim-report.recorder", "records observations for a report", c -> this))
        .build();
  }

  @Override
  public void observe(Observation o) {
    if (o instanceof MmuObservation || o instanceof SeptObservation || o instanceof GmemObservation) current.add(o);
  }

  @Override
  public Optional<String> afterDelivery() {
    steps.add(current);
    current = new ArrayList<>();
    return Optional.empty();
  }

  /** Step i's observations (0-based); the last step's may not have been closed when a violation ended the run. */
  List<Observation> step(int i) {
    if (i < steps.size()) return steps.get(i);
    return i == steps.size() ? current : List.of();
  }
}
