package tdxsim.stress.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The exploration benchmark ({@code bench --explore}): schedules/s on one core for {@code small}, and the cost
 * per delivery of {@code small} against {@code default} measured in the same process, so that a per-schedule or
 * per-delivery cost that only small worlds pay shows as a ratio above 1. Both run on one deterministic system
 * (one thread), PCT with bounded fairness as {@code explore} runs them, after a warm-up long enough for the JIT;
 * each figure is the median of the rounds, interleaved so that machine noise hits both alike. Rates are per
 * second of the driver thread's CPU time (one thread does all the work), so that other processes on a shared
 * machine slow the wall clock but not the figure; the wall-clock rate is printed beside it.
 */
public final class ExploreBench {
  static final int SMALL_SCHEDULES = 1_000;
  static final int DEFAULT_SCHEDULES = 60;

  /** Medians over the rounds. */
  public record Figures(
      double smallSchedulesPerSecond,
      double smallDeliveriesPerSecond,
      double smallDeliveriesPerSchedule,
      double defaultSchedulesPerSecond,
      double defaultDeliveriesPerSecond,
      double smallWallSchedulesPerSecond) {

    /** Cost per delivery in small over that in default: 1 when small worlds pay nothing extra. */
    public double perDeliveryRatio() {
      return defaultDeliveriesPerSecond / smallDeliveriesPerSecond;
    }
  }

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private ExploreBench() {}

  public static Figures run(int rounds, PrintStream progress) {
    if (rounds < 1) throw new IllegalArgumentException("rounds must be positive");
    TdxWorldFactory small = new TdxWorldFactory(ScenarioLoader.load("small"));
    TdxWorldFactory dflt = new TdxWorldFactory(ScenarioLoader.load("default"));
    double[] smallRate = new double[rounds];
    double[] smallDel = new double[rounds];
    double[] smallPer = new double[rounds];
    double[] defRate = new double[rounds];
    double[] defDel = new double[rounds];
    double[] smallWall = new double[rounds];
    try (DeterministicSystem system = DeterministicSystem.create("bench-explore")) {
      for (int i = 0; i < 3; i++) { // warm-up: every path of both scenarios compiled
        explore(system, small, SMALL_SCHEDULES, 100 + i);
        explore(system, dflt, DEFAULT_SCHEDULES / 2, 100 + i);
      }
      for (int r = 0; r < rounds; r++) {
        long c0 = CPU.getCurrentThreadCpuTime();
        ExplorationResult s = explore(system, small, SMALL_SCHEDULES, r);
        long c1 = CPU.getCurrentThreadCpuTime();
        ExplorationResult d = explore(system, dflt, DEFAULT_SCHEDULES, r);
        long c2 = CPU.getCurrentThreadCpuTime();
        smallRate[r] = s.schedules() * 1e9 / (c1 - c0);
        smallDel[r] = s.deliveries() * 1e9 / (c1 - c0);
        smallPer[r] = (double) s.deliveries() / s.schedules();
        smallWall[r] = s.schedulesPerSecond();
        defRate[r] = d.schedules() * 1e9 / (c2 - c1);
        defDel[r] = d.deliveries() * 1e9 / (c2 - c1);
        if (progress != null) {
          progress.printf(Locale.ROOT, "round %d/%d: small %.0f schedules/s (%.2f M deliveries/s), default %.0f"
              + " schedules/s (%.2f M deliveries/s) per CPU second; small %.0f schedules/s by the wall clock%n", r + 1,
              rounds, smallRate[r], smallDel[r] / 1e6, defRate[r], defDel[r] / 1e6, smallWall[r]);
        }
      }
    }
    return new Figures(RuntimeBench.median(smallRate), RuntimeBench.median(smallDel),
        RuntimeBench.median(smallPer), RuntimeBench.median(defRate), RuntimeBench.median(defDel),
        RuntimeBench.median(smallWall));
  }

  private static ExplorationResult explore(DeterministicSystem system, TdxWorldFactory worlds, long n, long seed) {
    ExplorationResult r = Explorer.explore(system, worlds, FairStrategy.wrap(StrategyKind.PCT.create()), seed, n,
        Duration.ofHours(1), Budget.steps(Budget.MODEL_MAX_STEPS), null, () -> false);
    if (r.violation().isPresent()) throw new IllegalStateException("baseline violated: " + r.violation().get());
    return r;
  }

  public static void print(Figures f, int rounds, PrintStream out) {
    out.printf(Locale.ROOT, "tdxsim explore benchmark: medians of %d rounds, one thread, pct + fairness, per second of"
        + " the thread's CPU time%n", rounds);
    out.printf(Locale.ROOT, "  small    %8.0f schedules/s  %5.2f M deliveries/s  (%.0f deliveries per schedule;"
            + " target >= 1000 schedules/s: %s)%n", f.smallSchedulesPerSecond(), f.smallDeliveriesPerSecond() / 1e6,
        f.smallDeliveriesPerSchedule(), f.smallSchedulesPerSecond() >= 1000 ? "met" : "MISSED");
    out.printf(Locale.ROOT, "           %8.0f schedules/s by the wall clock (a shared machine's other work included)%n",
        f.smallWallSchedulesPerSecond());
    out.printf(Locale.ROOT, "  default  %8.1f schedules/s  %5.2f M deliveries/s%n", f.defaultSchedulesPerSecond(),
        f.defaultDeliveriesPerSecond() / 1e6);
    out.printf(Locale.ROOT, "  cost per delivery, small / default: %.2f x%n", f.perDeliveryRatio());
  }
}
