package tdxsim.stress.bench;

import static tdxsim.stress.bench.RuntimeBench.median;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import tdxsim.actors.options.DesignOption;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.parallel.ParallelResult;
import tdxsim.stress.parallel.ParallelRunner;
import tdxsim.stress.parallel.ParallelSettings;
import tdxsim.stress.parallel.ParallelSystem;
import tdxsim.stress.parallel.StressRun;
import tdxsim.stress.scenario.Scenario;

/**
 * The stress benchmark, in one process so that the figures compare on the same (noisy) machine; each figure is the
 * median of {@code rounds} runs, printed, nothing asserted:
 *
 * <ul>
 *   <li>stress messages/s with the TDX model at 1,000 and 10,000 vCPUs (the generated scenario: TDs of
 *       {@value StressScenario#DEFAULT_TD_VCPUS} vCPUs, checks on, no recording), over the whole run and over its
 *       second half (after the start-up fault storm); at 1,000 vCPUs with recording; and one TD of 512 vCPUs (what
 *       one TD's serial actors allow: each round prints its busiest actors' shares and how it stopped), kept on one
 *       thread as the runtime runs a TD, and split over the threads ({@code --split-tds}) for comparison;
 *   <li>the upper bound: a plain Pekko ActorSystem (default dispatcher, default mailbox) with as many independent
 *       actor pairs exchanging messages; the same pairs on the parallel runtime, without and with recording (the
 *       runtime's own cost); the ratio stress / upper bound;
 *   <li>the speed-up of the 1,000-vCPU stress from 1 to 2 pool threads (and of the pairs, for reference);
 *   <li>heap held per vCPU at the end of the stress runs.
 * </ul>
 *
 * Run it as {@code ./tdxsim bench --stress [--rounds 3] [--seconds 15]} (the launcher's JVM settings).
 */
public final class StressBench {
  private StressBench() {}

  /** The medians, for {@code --json}. */
  public record Figures(double stress1k, double stress10k, double oneTd512, double pairs1k, double pairs10k,
      double speedUp, double heapPerVcpu1k, double heapPerVcpu10k) {
    public double ratio1k() {
      return stress1k / pairs1k;
    }

    public double ratio10k() {
      return stress10k / pairs10k;
    }
  }

  public static Figures run(int rounds, int seconds, PrintStream out) {
    int cores = warmUp(rounds, seconds, out);
    Duration d = Duration.ofSeconds(seconds);
    List<double[]> s1k = new ArrayList<>();
    List<double[]> s10k = new ArrayList<>();
    List<double[]> s1k1 = new ArrayList<>();
    List<double[]> s1kRec = new ArrayList<>();
    OneTdRuns oneTd = new OneTdRuns(rounds, cores, d);
    double[] p1k = new double[rounds];
    double[] p10k = new double[rounds];
    double[] q1k = new double[rounds];
    double[] q1kRec = new double[rounds];
    double[] q1k1 = new double[rounds];
    double[] p1k1 = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      out.printf(Locale.ROOT, "round %d/%d%n", r + 1, rounds);
      s1k.add(stress(1000, cores, d));
      s1k1.add(stress(1000, 1, d));
      s1kRec.add(stress(1000, cores, d, true));
      s10k.add(stress(10000, cores, d));
      oneTd.run(r);
      p1k[r] = pairsPekko(1000, cores, Duration.ofSeconds(Math.max(3, seconds / 3)));
      p1k1[r] = pairsPekko(1000, 1, Duration.ofSeconds(Math.max(3, seconds / 3)));
      p10k[r] = pairsPekko(10000, cores, Duration.ofSeconds(Math.max(3, seconds / 3)));
      q1k[r] = pairsParallel(1000, cores, false, Duration.ofSeconds(Math.max(3, seconds / 3)));
      q1kRec[r] = pairsParallel(1000, cores, true, Duration.ofSeconds(Math.max(3, seconds / 3)));
      q1k1[r] = pairsParallel(1000, 1, false, Duration.ofSeconds(Math.max(3, seconds / 3)));
      out.printf(Locale.ROOT, "  stress 1k %.2f M/s (1 thread %.2f, recording %.2f), 10k %.2f M/s, one TD of 512 %.2f; "
          + "pairs Pekko 1k %.2f, 10k %.2f, 1k 1 thread %.2f; pairs parallel runtime 1k %.2f, recording %.2f, "
          + "1 thread %.2f (M msg/s)%n", s1k.get(r)[0] / 1e6, s1k1.get(r)[0] / 1e6, s1kRec.get(r)[0] / 1e6,
          s10k.get(r)[0] / 1e6, oneTd.whole[r] / 1e6, p1k[r] / 1e6, p10k[r] / 1e6, p1k1[r] / 1e6, q1k[r] / 1e6,
          q1kRec[r] / 1e6, q1k1[r] / 1e6);
      oneTd.printRound(r, out);
    }

    double st1k = median(col(s1k, 0));
    double st1kHalf = median(col(s1k, 1));
    double st10k = median(col(s10k, 0));
    double st10kHalf = median(col(s10k, 1));
    double st1k1 = median(col(s1k1, 0));
    double heap1k = median(col(s1k, 2));
    double heap10k = median(col(s10k, 2));
    out.println();
    out.printf(Locale.ROOT, "medians of %d rounds, %d cores (M messages/s):%n", rounds, cores);
    out.printf(Locale.ROOT, "  stress, TDX model,  1,000 vCPUs: %6.2f  (second half %6.2f); recording %6.2f%n", st1k / 1e6,
        st1kHalf / 1e6, median(col(s1kRec, 0)) / 1e6);
    out.printf(Locale.ROOT, "  stress, TDX model, 10,000 vCPUs: %6.2f  (second half %6.2f)%n", st10k / 1e6,
        st10kHalf / 1e6);
    double one = oneTd.printMedians(st1k, out);
    out.printf(Locale.ROOT, "  upper bound, Pekko default dispatcher,  1,000 pairs: %6.2f%n", median(p1k) / 1e6);
    out.printf(Locale.ROOT, "  upper bound, Pekko default dispatcher, 10,000 pairs: %6.2f%n", median(p10k) / 1e6);
    out.printf(Locale.ROOT, "  pairs on the parallel runtime, 1,000 pairs: %6.2f, recording %6.2f%n", median(q1k) / 1e6,
        median(q1kRec) / 1e6);
    out.printf(Locale.ROOT, "  ratio stress / upper bound:  1,000 vCPUs %.2f (second half %.2f), 10,000 vCPUs %.2f "
        + "(second half %.2f)   [target >= 0.5]%n", st1k / median(p1k), st1kHalf / median(p1k), st10k / median(p10k),
        st10kHalf / median(p10k));
    out.printf(Locale.ROOT, "  speed-up 1 -> %d threads: stress 1,000 vCPUs %.2fx, Pekko pairs %.2fx, parallel-runtime "
        + "pairs %.2fx   [target >= 1.5x]%n", cores, st1k / st1k1, median(p1k) / median(p1k1),
        median(q1k) / median(q1k1));
    out.printf(Locale.ROOT, "  heap held per vCPU at the end: %.1f KB (1,000 vCPUs), %.1f KB (10,000 vCPUs)%n",
        heap1k / 1e3, heap10k / 1e3);
    return new Figures(st1k, st10k, one, median(p1k), median(p10k), st1k / st1k1, heap1k, heap10k);
  }

  /** The header line and a JIT warm-up of the stress and pairs runs; the machine's cores. */
  private static int warmUp(int rounds, int seconds, PrintStream out) {
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf(Locale.ROOT, "StressBench: %d rounds of %d s, %d cores, max heap %.0f MB, %s%n", rounds, seconds, cores,
        Runtime.getRuntime().maxMemory() / 1e6, System.getProperty("java.vm.name") + " " + Runtime.version());
    stress(1000, cores, Duration.ofSeconds(5));
    pairsParallel(1000, cores, false, Duration.ofSeconds(3));
    return cores;
  }

  static double[] stress(int vcpus, int threads, Duration d) {
    return stress(vcpus, threads, d, false);
  }

  static double[] stress(int vcpus, int threads, Duration d, boolean recording) {
    return stress(StressScenario.spec(vcpus), List.of(), settings(threads, recording), d, o -> { });
  }

  /**
   * One TD of 512 vCPUs, kept on one thread or split over them ({@code --split-tds}), with the one-actor TDX module
   * or the sharded one ({@code sharded-tdx-module}): each round's figures and their medians.
   */
  private static final class OneTdRuns {
    final double[] whole;
    final double[] split;
    final double[] sharded;
    final double[] shardedSplit;
    final List<String> lines = new ArrayList<>();
    private final int cores;
    private final Duration d;

    OneTdRuns(int rounds, int cores, Duration d) {
      whole = new double[rounds];
      split = new double[rounds];
      sharded = new double[rounds];
      shardedSplit = new double[rounds];
      this.cores = cores;
      this.d = d;
    }

    void run(int r) {
      whole[r] = oneTd(false, false, o -> lines.add(oneTdLine(o)));
      split[r] = oneTd(true, false, o -> { });
      sharded[r] = oneTd(false, true, o -> lines.add(oneTdLine(o)));
      shardedSplit[r] = oneTd(true, true, o -> { });
    }

    private double oneTd(boolean splitTds, boolean shardedModule, Consumer<StressRun.Outcome> outcome) {
      List<String> options = shardedModule ? List.of(DesignOption.SHARDED_TDX_MODULE.cliName()) : List.of();
      ParallelSettings s = settings(cores, false).withSplitTds(splitTds);
      return stress(StressScenario.spec(512, 512), options, s, d, outcome)[0];
    }

    void printRound(int r, PrintStream out) {
      out.printf(Locale.ROOT, "  one TD of 512: %s; split over the threads %.2f M msg/s%n", lines.get(2 * r),
          split[r] / 1e6);
      out.printf(Locale.ROOT, "  one TD of 512, sharded TDX module: %.2f M msg/s, %s; split over the threads %.2f%n",
          sharded[r] / 1e6, lines.get(2 * r + 1), shardedSplit[r] / 1e6);
    }

    /** Prints the medians; returns the one-actor module's, kept on one thread. */
    double printMedians(double host1k, PrintStream out) {
      double one = median(whole);
      out.printf(Locale.ROOT, "  stress, TDX model, one TD of 512 vCPUs: %6.2f  (its busiest actors: per round above); "
          + "against the 1,000-vCPU host: %.2f   [target >= 0.7]; split over the threads (--split-tds) %.2f: "
          + "kept on one thread %.2fx%n", one / 1e6, one / host1k, median(split) / 1e6, one / median(split));
      double sh = median(sharded);
      out.printf(Locale.ROOT, "  one TD of 512 vCPUs, sharded TDX module (sharded-tdx-module): %6.2f, against the "
          + "one-actor module %.2f; split over the threads %.2f: kept on one thread %.2fx%n", sh / 1e6, sh / one,
          median(shardedSplit) / 1e6, sh / median(shardedSplit));
      return one;
    }
  }

  private static ParallelSettings settings(int threads, boolean recording) {
    return ParallelSettings.defaults().withThreads(threads).withRecording(recording);
  }

  /**
   * What bounds one TD's run: its busiest actors' shares of the messages (an actor is serial: one holding a share s
   * caps the TD at 1/s threads), and how the run stopped (a violation ends it early: its rate is of a shorter run).
   */
  static String oneTdLine(StressRun.Outcome o) {
    ParallelResult r = o.result();
    return "busiest actors " + o.busiestText() + "; stopped by " + r.stoppedBy()
        + r.verdict().map(v -> " " + v.invariant()).orElse("") + " after "
        + String.format(Locale.ROOT, "%.1f s", r.elapsedNanos() / 1e9);
  }

  /** {whole-run msg/s, second-half msg/s, heap per vCPU}; {@code outcome} sees the run's outcome. */
  static double[] stress(StressScenario.Spec spec, List<String> options, ParallelSettings settings, Duration d,
      Consumer<StressRun.Outcome> outcome) {
    Scenario s = StressScenario.scenario(spec, options);
    long[] half = {-1, 0};
    long halfAt = d.toNanos() / 2;
    StressRun.Config c = new StressRun.Config("bench", s, List.of(), d,
        settings, true, Duration.ofMillis(250), true);
    StressRun.Outcome o = StressRun.run(c, () -> false, null, t -> {
      if (half[0] < 0 && t.elapsedNanos() >= halfAt) {
        half[0] = t.elapsedNanos();
        half[1] = t.run().deliveries();
      }
    });
    outcome.accept(o);
    ParallelResult r = o.result();
    double whole = r.deliveriesPerSecond();
    // a tick's deliveries are its generation's: the second half is measured only in a run of one generation
    double second = half[0] < 0 || o.generations() > 1 ? whole
        : (r.deliveries() - half[1]) * 1e9 / (r.elapsedNanos() - half[0]);
    return new double[] {whole, second, o.heapPerVcpu()};
  }

  /** Pairs on a plain Pekko system: default dispatcher (parallelism = {@code threads}), default mailbox. */
  static double pairsPekko(int pairs, int threads, Duration d) {
    PairsWorld w = new PairsWorld(pairs);
    var config = ConfigFactory.parseString(
        "pekko.loglevel = WARNING\n"
            + "pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = " + threads
            + ", parallelism-max = " + threads + " }\n").withFallback(ConfigFactory.load());
    ActorSystem<Void> sys = ActorSystem.create(Behaviors.empty(), "bench-pairs", config);
    try {
      long t0 = System.nanoTime();
      sys.systemActorOf(Behaviors.setup(ctx -> {
        @SuppressWarnings("unchecked")
        var root = (org.apache.pekko.actor.typed.Behavior<Object>) w.root();
        ctx.spawn(root, "world");
        return Behaviors.empty();
      }), "bench", Props.empty());
      LockSupport.parkNanos(d.toNanos());
      long n = w.messages();
      return n * 1e9 / (System.nanoTime() - t0);
    } finally {
      w.stop = true; // idle before the next measurement, which must not compete with this system's threads
      sys.terminate();
      try {
        scala.concurrent.Await.ready(sys.whenTerminated(), scala.concurrent.duration.Duration.create(60, TimeUnit.SECONDS));
      } catch (Exception e) {
        System.err.println("warning: a benchmark actor system did not terminate within 60 s");
      }
    }
  }

  /** Pairs on the parallel runtime (its pool and mailbox), recording or not. */
  static double pairsParallel(int pairs, int threads, boolean recording, Duration d) {
    try (ParallelSystem sys = ParallelSystem.create("bench-pairs",
        ParallelSettings.defaults().withThreads(threads).withRecording(recording))) {
      ParallelResult r = ParallelRunner.run(sys, new PairsWorld(pairs),
          ParallelRunner.Options.until(d).checkingEvery(Duration.ofDays(1)));
      return r.deliveriesPerSecond();
    }
  }

  private static double[] col(List<double[]> rows, int i) {
    double[] c = new double[rows.size()];
    for (int r = 0; r < c.length; r++) c[r] = rows.get(r)[i];
    return c;
  }

}
