package tdxsim.stress.report;

import java.util.List;

/**
 * What one step did to the state a reader of a race follows, and how it matters to the violation.
 *
 * @param changes mmu_lock grants and releases, invalidations, mirror SPTE and S-EPT state changes, one line each
 *     ({@code S-EPT 2M 0x100000 FREE -> PENDING})
 * @param deltas the same as data for the HTML chart's state panel ({@code ["S", "2M 0x100000", "PENDING"]})
 * @param relevant it touches a violated gfn's 2M range, mmu_lock, or an actor the violation names: never folded
 * @param racing one of a pair of deliveries to one actor from two CPU contexts whose order decides the verdict: with
 *     the later one's CPU moved ahead, the schedule runs without the violation
 *     ({@link tdxsim.stress.minimize.RacingSteps})
 */
public record StepNote(List<String> changes, List<List<String>> deltas, boolean relevant, boolean racing) {
  public static final StepNote NONE = new StepNote(List.of(), List.of(), false, false);

  public StepNote {
    changes = List.copyOf(changes);
    deltas = List.copyOf(deltas);
  }

  StepNote racing(boolean r) {
    return new StepNote(changes, deltas, relevant, r);
  }
}
