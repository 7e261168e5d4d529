package tdxsim.stress.minimize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.trace.Trace;

/**
 * The racing steps of a violating trace: the orders the minimizer could not change. Deliveries to different actors
 * commute, so an order can only matter between two deliveries to one actor from two lanes (CPU contexts: a vCPU and
 * guest_memfd both calling into mmu_lock). For such a pair (a, then b, b the first delivery to a's receiver from its
 * lane after a) the schedule is run again with b's lane from a to b moved ahead of a (b's CPU gets to b before a
 * happens), every other delivery in the trace's order as far as the messages allow (the minimizer's
 * {@link GuidedStrategy}, which never diverges: a delivery whose message is not sent yet waits). If that run ends
 * with no violation, the order of a and b decided the verdict, and both steps race.
 *
 * <p>Pairs are tried shortest first, and a pair that spans a racing pair already found is not tried: moving a CPU
 * ahead over a longer span also moves it over the shorter one, so it would only repeat that race. At most
 * {@link #MAX_PAIRS} runs.
 */
public final class RacingSteps {
  /** Pairs tried at most: a run each. */
  public static final int MAX_PAIRS = 200;
  /** Later deliveries to a's receiver looked at for its partners. */
  private static final int MAX_SCAN = 64;
  /** The runtime's world root: its wiring messages are set-up, not a race. */
  private static final String WORLD = "world";

  private RacingSteps() {}

  /**
   * @param lane a delivery's lane (the CPU context whose work it is)
   * @return the racing steps, 1-based; empty for a trace without a violation
   */
  public static Set<Long> find(WorldFactory worlds, Trace t, Function<Decision, String> lane) {
    Set<Long> racing = new TreeSet<>();
    if (t.violation() == null) return racing;
    List<Decision> ds = t.decisions();
    assert worlds != null : "racing steps without worlds or lanes";
    assert lane != null : "racing steps without worlds or lanes";
    List<int[]> found = new ArrayList<>();
    int runs = 0;
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-racing")) {
      for (int[] p : pairs(ds, lane)) {
        if (runs == MAX_PAIRS) break;
        if (found.stream().anyMatch(f -> p[0] <= f[0] && f[1] <= p[1])) continue;
        runs++;
        assert p[0] < p[1] : "pair (" + p[0] + ", " + p[1] + ") of " + ds.size();
        assert p[1] < ds.size() : "pair (" + p[0] + ", " + p[1] + ") of " + ds.size();
        GuidedStrategy guided = new GuidedStrategy(moved(ds, p[0], p[1], lane), Long.MAX_VALUE);
        guided.reset(t.scheduleSeed());
        ScheduleResult r = system.run(worlds.create(t.scheduleSeed()), guided, t.budget());
        if (!r.stoppedByStrategy() && r.violation() == null) {
          found.add(p);
          racing.add(p[0] + 1L);
          racing.add(p[1] + 1L);
          assert p[0] + 1L >= 1 && p[1] + 1L <= ds.size() : "racing steps " + (p[0] + 1) + ", " + (p[1] + 1);
        }
      }
    }
    return racing;
  }

  /** (a, b) pairs, shortest first: for each a, the first later delivery to its receiver from each other lane. */
  static List<int[]> pairs(List<Decision> ds, Function<Decision, String> lane) {
    Map<String, List<Integer>> byReceiver = new HashMap<>();
    for (int i = 0; i < ds.size(); i++) byReceiver.computeIfAbsent(ds.get(i).receiver(), k -> new ArrayList<>()).add(i);
    List<int[]> out = new ArrayList<>();
    for (List<Integer> at : byReceiver.values()) {
      for (int k = 0; k < at.size(); k++) {
        int a = at.get(k);
        if (ds.get(a).sender().equals(WORLD)) continue;
        String laneA = lane.apply(ds.get(a));
        Set<String> seen = new HashSet<>();
        for (int j = k + 1; j < at.size() && j <= k + MAX_SCAN; j++) {
          int b = at.get(j);
          String laneB = lane.apply(ds.get(b));
          if (!ds.get(b).sender().equals(WORLD) && !laneB.equals(laneA) && seen.add(laneB)) out.add(new int[] {a, b});
        }
      }
    }
    out.sort(Comparator.<int[]>comparingInt(p -> p[1] - p[0]).thenComparingInt(p -> -p[0]));
    assert out.isEmpty() || out.get(0)[1] - out.get(0)[0] <= out.get(out.size() - 1)[1] - out.get(out.size() - 1)[0];
    return out;
  }

  /** The trace's order with b's lane from a to b moved just before a: b's CPU gets to b before a happens. */
  static List<Decision> moved(List<Decision> ds, int a, int b, Function<Decision, String> lane) {
    String laneB = lane.apply(ds.get(b));
    assert 0 <= a : "move of (" + a + ", " + b + ") in " + ds.size();
    assert a < b : "move of (" + a + ", " + b + ") in " + ds.size();
    assert b < ds.size() : "move of (" + a + ", " + b + ") in " + ds.size();
    List<Decision> out = new ArrayList<>(ds.subList(0, a));
    for (int i = a + 1; i <= b; i++) if (lane.apply(ds.get(i)).equals(laneB)) out.add(ds.get(i));
    for (int i = a; i < ds.size(); i++) {
      if (i == a || i > b || !lane.apply(ds.get(i)).equals(laneB)) out.add(ds.get(i));
    }
    assert out.size() == ds.size() : "a move of (" + a + ", " + b + ") changed the length to " + out.size();
    return out;
  }
}
