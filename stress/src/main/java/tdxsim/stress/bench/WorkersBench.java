package tdxsim.stress.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.workers.ExploreJob;
import tdxsim.stress.workers.ExploreSpec;
import tdxsim.stress.workers.ExploreTotals;
import tdxsim.stress.workers.IndexedSearch;

/**
 * {@code explore --workers}: schedules/s on {@code small} with 1 and with 2 deterministic systems, rounds
 * interleaved in one process after a warm-up round so that machine noise hits both alike; the medians, their
 * ratio, and whether the two gave the same verdict and final-state hash (they must).
 */
public final class WorkersBench {
  static final String SCENARIO = "small";
  // 48 ranges, not 8: with 8, two workers share 4 ranges each and the one that draws the longer schedules runs
  // its last range alone (up to a range in 8, 12% of the round); a round of 0.4 s was also at the mercy of one GC
  // or JIT pause. With 48 the tail is at most a range in 48 and a round lasts seconds.
  static final long SCHEDULES = 48L * ExploreJob.RANGE_SIZE;

  /** Medians of schedules/s with one and two workers; {@code same}: every round gave one verdict and hash. */
  public record Figures(double oneWorker, double twoWorkers, boolean same, double coresBusyTwo) {
    public double speedUp() {
      return twoWorkers / oneWorker;
    }
  }

  private WorkersBench() {}

  public static Figures run(int rounds, PrintStream out) {
    double[] one = new double[rounds];
    double[] two = new double[rounds];
    double[] busy = new double[rounds];
    // a warm-up round of each, not counted: the first rounds run before the JIT compiled the model
    Trace reference = explore(1).shown();
    boolean same = reference.equals(explore(2).shown());
    for (int i = 0; i < rounds; i++) {
      ExploreTotals a = explore(1);
      long cpu0 = processCpuNanos();
      long wall0 = System.nanoTime();
      ExploreTotals b = explore(2);
      long cpu1 = processCpuNanos();
      busy[i] = cpu0 < 0 || cpu1 < 0 ? Double.NaN : (double) (cpu1 - cpu0) / (System.nanoTime() - wall0);
      one[i] = a.schedulesPerSecond();
      two[i] = b.schedulesPerSecond();
      same &= reference.equals(a.shown()) && reference.equals(b.shown());
      out.printf(Locale.ROOT, "  round %d: 1 worker %.0f schedules/s, 2 workers %.0f schedules/s (%.2f cores busy)%n",
          i + 1, one[i], two[i], busy[i]);
      out.flush();
    }
    return new Figures(RuntimeBench.median(one), RuntimeBench.median(two), same, RuntimeBench.median(busy));
  }

  /**
   * CPU time of the whole process (every thread, GC and JIT included): over a 2-worker round, divided by its wall
   * time, the cores the machine actually gave the run. A speed-up measured while other jobs held a core says
   * nothing of scaling; this figure says whether that happened.
   */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : -1;
  }

  public static void print(Figures f, int rounds, PrintStream out) {
    out.printf(Locale.ROOT, "explore --workers on %s (%d schedules, pct, seed 1), medians of %d rounds, %d cores:%n",
        SCENARIO, SCHEDULES, rounds, Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "  1 worker   %8.0f schedules/s%n", f.oneWorker());
    out.printf(Locale.ROOT, "  2 workers  %8.0f schedules/s   speed-up %.2fx   (the process kept %.2f cores busy in "
        + "those rounds: below 2, other jobs held the difference)%n", f.twoWorkers(), f.speedUp(), f.coresBusyTwo());
    out.println("  same verdict, trace and final-state hash: " + (f.same() ? "yes" : "NO"));
  }

  /** The benchmark's run: {@code small}, pct, seed 1, {@link #SCHEDULES} schedules. */
  public static ExploreSpec spec(Scenario scenario) {
    return new ExploreSpec(Worlds.traceScenario(scenario), List.of(), "pct", 1, SCHEDULES, Budget.MODEL_MAX_STEPS,
        "bench");
  }

  static ExploreTotals explore(int workers) {
    Scenario scenario = ScenarioLoader.load(SCENARIO, List.of());
    ExploreJob job = spec(scenario).job(scenario);
    return ExploreTotals.of(IndexedSearch.run(job, SCHEDULES, workers, Duration.ofHours(1), null));
  }
}
