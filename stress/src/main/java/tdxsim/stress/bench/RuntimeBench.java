package tdxsim.stress.bench;

import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.strategy.RandomWalkStrategy;
import tdxsim.stress.strategy.Strategy;

/**
 * The runtime benchmark, in one run so that the figures compare on the same (noisy) machine:
 *
 * <ul>
 *   <li>ping-pong deliveries/s in deterministic mode (random-walk strategy, decisions recorded);
 *   <li>the same ping-pong on a normal multi-threaded ActorSystem (default dispatcher), and the ratio;
 *   <li>the cost of a fresh 10-actor world in a reused deterministic system (spawn, settle, stop);
 *   <li>scheduling overhead per delivery: deterministic mode minus the same ping-pong run on the same thread in
 *       plain FIFO order with no decision ({@link DeterministicSystem#runDirect}).
 * </ul>
 *
 * Each figure is the median of several rounds, interleaved so that machine noise hits all alike. Usage:
 * {@code RuntimeBench [rounds]} (default 9).
 */
public final class RuntimeBench {
  static final int ROUNDS_DEFAULT = 9;
  static final int PING_PONG_ROUNDS = 100_000;
  static final int WORLDS_PER_ROUND = 2_000;
  static final int WORLD_ACTORS = 10;

  /**
   * The medians over the rounds. The overhead is the median of each round's difference between the two
   * single-thread runs, which were taken back to back.
   */
  public record Figures(
      double deterministicPerSecond,
      double parallelPerSecond,
      double worldSetupMicros,
      double deterministicNanosPerDelivery,
      double directNanosPerDelivery,
      double overheadNanosPerDelivery) {

    public double ratio() {
      return deterministicPerSecond / parallelPerSecond;
    }
  }

  private RuntimeBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : ROUNDS_DEFAULT;
    Figures f = run(rounds, System.out);
    print(f, rounds, System.out);
  }

  /** Measures; prints one progress line per round to {@code progress} (may be null). Runs on this thread. */
  public static Figures run(int rounds, PrintStream progress) throws Exception {
    if (rounds < 1) throw new IllegalArgumentException("rounds must be positive");
    double[] det = new double[rounds];
    double[] par = new double[rounds];
    double[] setup = new double[rounds];
    double[] direct = new double[rounds];
    try (DeterministicSystem system = DeterministicSystem.create("bench-deterministic")) {
      Strategy strategy = new RandomWalkStrategy();
      // warm-up: let the JIT compile both runtimes' paths
      for (int i = 0; i < 5; i++) {
        deterministic(system, strategy);
        directFifo(system);
        worldSetup(system, strategy, WORLDS_PER_ROUND / 4);
      }
      parallel(2);
      for (int r = 0; r < rounds; r++) {
        det[r] = deterministic(system, strategy);
        direct[r] = directFifo(system);
        setup[r] = worldSetup(system, strategy, WORLDS_PER_ROUND);
        par[r] = parallel(1);
        if (progress != null) {
          progress.printf(
              Locale.ROOT,
              "round %d/%d: deterministic %.2f M/s, multi-threaded %.2f M/s, direct %.2f M/s, world %.1f us%n",
              r + 1, rounds, det[r] / 1e6, par[r] / 1e6, direct[r] / 1e6, setup[r]);
        }
      }
    }
    double[] overhead = new double[rounds];
    for (int r = 0; r < rounds; r++) overhead[r] = 1e9 / det[r] - 1e9 / direct[r];
    double detMedian = median(det);
    return new Figures(
        detMedian, median(par), median(setup), 1e9 / detMedian, 1e9 / median(direct), median(overhead));
  }

  public static void print(Figures f, int rounds, PrintStream out) {
    out.printf(Locale.ROOT, "tdxsim runtime benchmark: medians of %d rounds, %d CPUs%n", rounds,
        Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "  deterministic ping-pong      %8.2f M deliveries/s%n", f.deterministicPerSecond() / 1e6);
    out.printf(Locale.ROOT, "  multi-threaded ping-pong     %8.2f M deliveries/s (default dispatcher)%n",
        f.parallelPerSecond() / 1e6);
    out.printf(Locale.ROOT, "  ratio                        %8.1f x   (target >= 4x: %s)%n", f.ratio(),
        f.ratio() >= 4 ? "met" : "MISSED");
    out.printf(Locale.ROOT, "  world set-up, %d actors      %8.1f us  (target < 1000 us: %s)%n", WORLD_ACTORS,
        f.worldSetupMicros(), f.worldSetupMicros() < 1000 ? "met" : "MISSED");
    out.printf(Locale.ROOT, "  scheduling overhead          %8.1f ns per delivery (target < 150 ns: %s)%n",
        f.overheadNanosPerDelivery(), f.overheadNanosPerDelivery() < 150 ? "met" : "MISSED");
    out.printf(Locale.ROOT, "    (deterministic %.1f ns per delivery, same thread in FIFO order without decisions"
        + " %.1f ns)%n", f.deterministicNanosPerDelivery(), f.directNanosPerDelivery());
  }

  /** Deliveries per second of one deterministic ping-pong schedule. */
  private static double deterministic(DeterministicSystem system, Strategy strategy) {
    strategy.reset(1);
    long t0 = System.nanoTime();
    ScheduleResult r = system.run(PingPong.world(PING_PONG_ROUNDS), strategy, Budget.steps(Long.MAX_VALUE));
    long dt = System.nanoTime() - t0;
    if (!r.ok() || r.steps() != PingPong.deliveries(PING_PONG_ROUNDS)) {
      throw new IllegalStateException("deterministic ping-pong went wrong: " + r.violation());
    }
    return r.steps() * 1e9 / dt;
  }

  /** Deliveries per second of the same ping-pong in FIFO order on the driver, without decisions. */
  private static double directFifo(DeterministicSystem system) {
    long t0 = System.nanoTime();
    long n = system.runDirect(PingPong.world(PING_PONG_ROUNDS), Long.MAX_VALUE);
    long dt = System.nanoTime() - t0;
    if (n != PingPong.deliveries(PING_PONG_ROUNDS)) throw new IllegalStateException("direct ping-pong: " + n);
    return n * 1e9 / dt;
  }

  /**
   * Deliveries per second of the ping-pong on the multi-threaded default dispatcher (the last of {@code rallies}).
   * The system lives only for this measurement: its idle pool threads would otherwise compete with the driver
   * for the machine's cores while the deterministic figures are taken.
   */
  private static double parallel(int rallies) throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "bench-parallel",
            ConfigFactory.parseString(
                    "pekko.loglevel = WARNING\npekko.use-slf4j = off\n"
                        + "pekko.loggers = [\"org.apache.pekko.event.Logging$StandardOutLogger\"]")
                .withFallback(ConfigFactory.load()));
    try {
      double rate = 0;
      for (int i = 0; i < rallies; i++) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        system.systemActorOf(PingPong.root(PING_PONG_ROUNDS, done), "ping-pong-" + i, Props.empty());
        done.get(60, TimeUnit.SECONDS);
        rate = PingPong.deliveries(PING_PONG_ROUNDS) * 1e9 / (System.nanoTime() - t0);
      }
      return rate;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Microseconds per schedule of a world of idle actors: spawn, settle, quiesce, stop. */
  private static double worldSetup(DeterministicSystem system, Strategy strategy, int worlds) {
    long t0 = System.nanoTime();
    for (int i = 0; i < worlds; i++) {
      strategy.reset(i);
      if (!system.run(PingPong.idleWorld(WORLD_ACTORS), strategy, Budget.DEFAULT).ok()) {
        throw new IllegalStateException("idle world failed");
      }
    }
    return (System.nanoTime() - t0) / 1e3 / worlds;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
