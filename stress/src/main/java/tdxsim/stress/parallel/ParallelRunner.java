package tdxsim.stress.parallel;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.record.ReceiveOrders;
import tdxsim.stress.runtime.World;

/**
 * Drives one world on a {@link ParallelSystem} until it is quiescent, breaks an invariant, runs out of wall time or
 * is asked to stop. The driver thread never runs actor code: it polls (a {@link ConcurrentWorld}'s already-seen
 * violations, actor failures, the clock), and every {@code checkEvery} takes a consistent cut (all actors paused
 * between two messages) to run the world's checks, which need every actor at rest, and to detect quiescence.
 * The final cut gives the verdict, the state hash and (when recording) the receive orders.
 *
 * <p>The wall clock here only decides when to look and when to stop; it never reaches the actors.
 */
public final class ParallelRunner {
  /**
   * When to look and when to stop. {@code goesOn} is asked once, at a clean quiescent final cut: whether another
   * world follows this one (a stress run's next generation); if so this world's state hash, which nothing reads,
   * is not computed (0). Hashing a generation's whole state took most of its final cut with every thread idle.
   */
  public record Options(
      Duration duration, Duration checkEvery, Duration pollEvery, BooleanSupplier stopRequested,
      Duration progressEvery, Consumer<Tick> progress, BooleanSupplier goesOn) {

    public static Options until(Duration duration) {
      assert duration != null : "a run of " + duration;
      assert !duration.isNegative() : "a run of " + duration;
      return new Options(duration, Duration.ofMillis(100), Duration.ofMillis(2), () -> false, Duration.ofSeconds(1),
          null, () -> false);
    }

    public Options checkingEvery(Duration d) {
      assert d != null : "checks every " + d;
      assert !d.isNegative() : "checks every " + d;
      return new Options(duration, d, pollEvery, stopRequested, progressEvery, progress, goesOn);
    }

    public Options stoppingWhen(BooleanSupplier s) {
      assert s != null : "stoppingWhen(null)";
      return new Options(duration, checkEvery, pollEvery, s, progressEvery, progress, goesOn);
    }

    public Options withProgress(Duration every, Consumer<Tick> p) {
      assert every != null : "progress every " + every;
      assert p != null : "progress every " + every;
      return new Options(duration, checkEvery, pollEvery, stopRequested, every, p, goesOn);
    }

    public Options goingOnWhen(BooleanSupplier g) {
      assert g != null : "goingOnWhen(null)";
      return new Options(duration, checkEvery, pollEvery, stopRequested, progressEvery, progress, g);
    }
  }

  /** A progress tick: the run (running; read racily) and the time since it started. */
  public record Tick(ParallelRun run, long elapsedNanos) {}

  private ParallelRunner() {}

  /** Runs {@code world} on {@code system} (whose settings say whether it records). */
  public static ParallelResult run(ParallelSystem system, World world, Options options) {
    assert system != null : "run without a system, world or options";
    assert world != null : "run without a system, world or options";
    assert options != null : "run without a system, world or options";
    ParallelRun run = system.start(world);
    return drive(run, options);
  }

  /** Drives a started run to its end. */
  public static ParallelResult drive(ParallelRun run, Options o) {
    return drive(run, o, null);
  }

  /**
   * Drives a started run to its end; {@code atFinalCut} (if not null) sees the paused run just before its actors
   * are stopped (e.g. to measure what the world holds).
   */
  public static ParallelResult drive(ParallelRun run, Options o, Consumer<ParallelRun> atFinalCut) {
    CutCost cost = new CutCost();
    assert run != null : "drive of a run that is over";
    assert !run.isOver() : "drive of a run that is over";
    assert o != null : "drive of a run that is over";
    ParallelResult.StopReason reason = poll(run, o, cost);
    assert reason != null : "a run stopped for no reason";
    assert cost.barriers >= 0 : "a run stopped for no reason";
    return finalCut(run, reason, cost, atFinalCut, o.goesOn());
  }

  /** What the consistent cuts cost: how many, the time pausing, checking and in all, and when the last one ended. */
  private static final class CutCost {
    long barriers;
    long barrierNanos;
    long pauseNanos;
    long checkNanos;
    long lastEnd;
  }

  /** Polls until something stops the run, taking a consistent cut every {@code checkEvery}; returns why it stopped. */
  private static ParallelResult.StopReason poll(ParallelRun run, Options o, CutCost cost) {
    ConcurrentWorld cw = run.world() instanceof ConcurrentWorld ? (ConcurrentWorld) run.world() : null;
    long start = run.startNanos();
    long limit = nanos(o.duration());
    long checkEvery = Math.max(1, nanos(o.checkEvery()));
    long pollEvery = Math.max(100_000, nanos(o.pollEvery()));
    long progressEvery = nanos(o.progressEvery());
    long nextCheck = start + checkEvery;
    long nextProgress = start + progressEvery;
    assert checkEvery > 0 : "poll every " + pollEvery + ", check every " + checkEvery;
    assert pollEvery > 0 : "poll every " + pollEvery + ", check every " + checkEvery;
    assert limit >= 0 : "poll every " + pollEvery + ", check every " + checkEvery;
    // a world that has gone quiescent leaves every pool thread idle: cut then, not up to checkEvery later (a stress
    // generation of one TD of 512 vCPUs runs about 0.5 s; waiting for the next 250 ms cut idled a fifth of the run).
    // Idle means every thread parked and no run since the last poll; once per idle spell (no cut again until a run)
    long lastIdle = -1;
    long cutIdle = -1;
    for (; ; ) {
      LockSupport.parkNanos(pollEvery);
      long idle = run.idleRuns();
      boolean settled = idle >= 0 && idle == lastIdle && idle != cutIdle;
      lastIdle = idle;
      long now = System.nanoTime();
      if (o.stopRequested().getAsBoolean()) return ParallelResult.StopReason.INTERRUPTED;
      if (run.fault() != null) return ParallelResult.StopReason.VIOLATION;
      if (cw != null && cw.firstViolation().isPresent()) return ParallelResult.StopReason.VIOLATION;
      if (now - start >= limit) return ParallelResult.StopReason.DURATION;
      if (now - nextCheck >= 0 || settled) {
        cutIdle = idle;
        ParallelResult.StopReason stop = periodicCut(run, cost);
        if (stop != null) return stop;
        nextCheck = cost.lastEnd + checkEvery;
        assert cost.lastEnd - start >= 0 : "a cut that ended before the run started";
      }
      if (o.progress() != null && now - nextProgress >= 0) {
        o.progress().accept(new Tick(run, now - start));
        nextProgress = now + progressEvery;
      }
    }
  }

  /** One periodic cut: the world's checks with every actor paused; why to stop, or null to resume. */
  private static ParallelResult.StopReason periodicCut(ParallelRun run, CutCost cost) {
    long t0 = System.nanoTime();
    run.pause();
    long tc = System.nanoTime();
    cost.pauseNanos += tc - t0;
    // a periodic cut runs the world's checks with every actor paused: a consistent cut
    assert tc - t0 >= 0 : "a pause of " + (tc - t0) + " ns";
    Optional<Violation> v = run.world().check();
    cost.checkNanos += System.nanoTime() - tc;
    boolean quiet = v.isEmpty() && run.quiescent();
    if (v.isPresent() || quiet) {
      cost.barriers++;
      cost.barrierNanos += System.nanoTime() - t0;
      return v.isPresent() ? ParallelResult.StopReason.VIOLATION : ParallelResult.StopReason.QUIESCENT;
    }
    run.resume();
    assert cost.barriers >= 0 : "cut costs went negative";
    assert cost.barrierNanos >= 0 : "cut costs went negative";
    long t1 = System.nanoTime();
    cost.barriers++;
    cost.barrierNanos += t1 - t0;
    cost.lastEnd = t1;
    return null;
  }

  /** The final cut: the verdict, the state hash and (when recording) the receive orders. */
  private static ParallelResult finalCut(ParallelRun run, ParallelResult.StopReason reason, CutCost cost,
      Consumer<ParallelRun> atFinalCut, BooleanSupplier goesOn) {
    World world = run.world();
    assert reason != null : "a final cut for no reason";
    assert cost != null : "a final cut for no reason";
    long t0 = System.nanoTime();
    run.pause();
    long tc = System.nanoTime();
    cost.pauseNanos += tc - t0;
    long elapsed = t0 - run.startNanos();
    Violation violation = null;
    if (reason != ParallelResult.StopReason.VIOLATION && run.quiescent()) reason = ParallelResult.StopReason.QUIESCENT;
    if (run.fault() != null) violation = run.fault();
    if (violation == null) violation = world.check().orElse(null);
    if (violation == null && reason == ParallelResult.StopReason.QUIESCENT) {
      violation = world.atQuiescence().orElse(null);
    }
    if (violation == null && reason == ParallelResult.StopReason.VIOLATION) {
      // a ConcurrentWorld's violation is part of check(); anything else would be a world bug
      reason = ParallelResult.StopReason.DURATION;
    }
    if (violation != null) reason = ParallelResult.StopReason.VIOLATION;
    // the verdict and the reason agree: a violation, and only a violation, stops a run as VIOLATION
    assert (violation != null) == (reason == ParallelResult.StopReason.VIOLATION) : reason + " with " + violation;
    cost.checkNanos += System.nanoTime() - tc;
    boolean moot = violation == null && reason == ParallelResult.StopReason.QUIESCENT && goesOn.getAsBoolean();
    long hash = moot ? 0 : world.stateHash();
    long deliveries = run.deliveries();
    cost.barriers++;
    cost.barrierNanos += System.nanoTime() - t0;
    if (atFinalCut != null) atFinalCut.accept(run);
    ReceiveOrders orders = run.finish();
    assert run.isOver() : "finished with orders " + (orders != null);
    assert (orders == null) != run.recording() : "finished with orders " + (orders != null);
    return new ParallelResult(violation, hash, deliveries, elapsed, reason, orders, cost.barriers, cost.barrierNanos,
        cost.pauseNanos, cost.checkNanos);
  }

  private static long nanos(Duration d) {
    assert d != null : "nanos of no duration";
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
