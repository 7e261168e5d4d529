package tdxsim.stress.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.trace.Trace;

/**
 * The racing steps of a trace: two consecutive deliveries to one actor from different senders whose order decides
 * the verdict. Each such pair is swapped and replayed; if the swapped schedule runs (the later message had been
 * sent already) and ends in another verdict, both steps race. Pairs whose swap cannot run are ordered by
 * causality, not by the schedule; pairs whose swap keeps the verdict do not matter to it. On a minimized trace these
 * are the orders the minimizer could not change.
 */
final class RacingSteps {
  /** Pairs tried at most, nearest the end first: a replay each. */
  static final int MAX_PAIRS = 200;
  /** The runtime's world root: its wiring messages are set-up, not a race. */
  private static final String WORLD = "world";

  private RacingSteps() {}

  static Set<Long> find(WorldFactory worlds, Trace t) {
    List<Decision> ds = t.decisions();
    Map<String, Integer> lastAt = new HashMap<>();
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < ds.size(); i++) {
      Integer p = lastAt.put(ds.get(i).receiver(), i);
      if (p != null && !ds.get(p).sender().equals(ds.get(i).sender()) && !ds.get(p).sender().equals(WORLD)
          && !ds.get(i).sender().equals(WORLD)) {
        pairs.add(new int[] {p, i});
      }
    }
    Set<Long> racing = new TreeSet<>();
    if (t.violation() == null) return racing;
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-racing")) {
      for (int k = pairs.size() - 1; k >= 0 && k >= pairs.size() - MAX_PAIRS; k--) {
        int a = pairs.get(k)[0];
        int b = pairs.get(k)[1];
        RecordedRun r = RecordedRun.replay(system, worlds, swapped(t, a, b));
        if (r.divergence() == null && !sameInvariant(r.result().violation(), t.violation())) {
          racing.add(a + 1L);
          racing.add(b + 1L);
        }
      }
    }
    return racing;
  }

  private static Trace swapped(Trace t, int a, int b) {
    List<Decision> sw = new ArrayList<>(t.decisions());
    Decision da = sw.get(a);
    Decision db = sw.get(b);
    sw.set(a, new Decision(da.receiver(), da.seq(), db.sender(), db.message()));
    sw.set(b, new Decision(db.receiver(), db.seq(), da.sender(), da.message()));
    return new Trace(t.toolVersion(), t.modelVersion(), t.scenario(), t.options(), t.strategy(), t.runSeed(),
        t.scheduleIndex(), t.scheduleSeed(), t.budget(), sw, t.violation(), t.finalStateHash());
  }

  private static boolean sameInvariant(Violation a, Violation b) {
    return Objects.equals(a == null ? null : a.invariant(), b == null ? null : b.invariant());
  }
}
