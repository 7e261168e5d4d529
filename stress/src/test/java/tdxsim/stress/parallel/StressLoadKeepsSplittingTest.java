package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.model.TdxWorld;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.World;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.strategy.RandomWalkStrategy;

/**
 * The stress load keeps splitting: over consecutive generations of a small generated host (run on the deterministic
 * runtime, so that the windows are counted in deliveries, not wall time, and the test is the same on any machine),
 * every window has DEMOTEs, zaps, TDX_OPERAND_BUSY and conversions, and every generation ends quiescent and ok.
 * Under the load before it (each vCPU one 2M range, split once), splits stopped after the first seconds.
 */
class StressLoadKeepsSplittingTest {
  private static final int GENERATIONS = 3;
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("stress-load");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void everyWindowOfConsecutiveGenerationsSplitsZapsConvertsAndMeetsBusy() {
    Scenario s = StressScenario.scenario(new StressScenario.Spec(32, 16, 1, 1, 2, 8), List.of());
    StressStats stats = new StressStats(s.vcpus());
    List<long[]> series = new ArrayList<>(); // the totals after every delivery, generations back to back
    long firstGeneration = 0;
    for (int g = 0; g < GENERATIONS; g++) {
      ScheduleResult r = run(countingWorld(s, stats), g, (step, d, m) -> series.add(totals(stats)));
      assertTrue(r.ok(), () -> r.violation().oneLine());
      if (g == 0) firstGeneration = r.steps();
    }
    // windows of half a generation, the first from a sixth into the run (after the TDs' build), so that windows
    // straddle the generations' ends as the stress run's do (the splits of a generation come in its later two
    // thirds: its first third builds the TDs, accepts and meets BUSY, a window of a third there has none)
    long w = firstGeneration / 2;
    List<long[]> windows = new ArrayList<>();
    for (long from = firstGeneration / 6; from + w < series.size(); from += w) {
      long[] a = series.get((int) from);
      long[] b = series.get((int) (from + w));
      long[] delta = new long[a.length];
      for (int i = 0; i < a.length; i++) delta[i] = b[i] - a[i];
      windows.add(delta);
    }
    assertTrue(windows.size() >= (GENERATIONS - 1) * 2, windowsText(windows));
    String[] names = {"splits", "zaps", "BUSY", "conversions"};
    for (int k = 0; k < windows.size(); k++) {
      for (int i = 0; i < names.length; i++) {
        long n = windows.get(k)[i];
        int window = k;
        int counter = i;
        assertTrue(n > 0, () -> "window " + window + ": no " + names[counter] + " (" + windowsText(windows) + ")");
      }
    }
  }

  private static ScheduleResult run(World w, int generation,
      tdxsim.stress.runtime.DeliveryListener listener) {
    RandomWalkStrategy random = new RandomWalkStrategy();
    random.reset(0x5eed + generation);
    return system.run(w, random, new Budget(5_000_000, Duration.ofMinutes(10)), listener);
  }

  private static long[] totals(StressStats stats) {
    StressStats.Totals t = stats.totals();
    return new long[] {t.splits, t.zaps, t.busy, t.conversions};
  }

  private static String windowsText(List<long[]> windows) {
    StringBuilder sb = new StringBuilder();
    for (long[] w : windows) sb.append(java.util.Arrays.toString(w)).append(' ');
    return sb.toString().trim();
  }

  /** The generated host with its checkers, every observation also counted by {@code stats}. */
  private static World countingWorld(Scenario s, StressStats stats) {
    int[] vcpuBase = new int[s.tds().size()];
    for (int i = 1; i < vcpuBase.length; i++) vcpuBase[i] = vcpuBase[i - 1] + s.tds().get(i - 1).vcpus();
    return new TdxWorld(s.tds(), s.bounds(), (td, checker) -> o -> {
      stats.observe(vcpuBase[td], o);
      checker.observe(o);
    });
  }
}
