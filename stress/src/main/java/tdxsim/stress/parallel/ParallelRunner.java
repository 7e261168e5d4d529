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
  /** When to look and when to stop. */
  public record Options(
      Duration duration, Duration checkEvery, Duration pollEvery, BooleanSupplier stopRequested,
      Duration progressEvery, Consumer<Tick> progress) {

    public static Options until(Duration duration) {
      return new Options(duration, Duration.ofMillis(100), Duration.ofMillis(2), () -> false, Duration.ofSeconds(1),
          null);
    }

    public Options checkingEvery(Duration d) {
      return new Options(duration, d, pollEvery, stopRequested, progressEvery, progress);
    }

    public Options stoppingWhen(BooleanSupplier s) {
      return new Options(duration, checkEvery, pollEvery, s, progressEvery, progress);
    }

    public Options withProgress(Duration every, Consumer<Tick> p) {
      return new Options(duration, checkEvery, pollEvery, stopRequested, every, p);
    }
  }

  /** A progress tick: the run (running; read racily) and the time since it started. */
  public record Tick(ParallelRun run, long elapsedNanos) {}

  private ParallelRunner() {}

  /** Runs {@code world} on {@code system} (whose settings say whether it records). */
  public static ParallelResult run(ParallelSystem system, World world, Options options) {
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
    World world = run.world();
    ConcurrentWorld cw = world instanceof ConcurrentWorld ? (ConcurrentWorld) world : null;
    long start = run.startNanos();
    long limit = nanos(o.duration());
    long checkEvery = Math.max(1, nanos(o.checkEvery()));
    long pollEvery = Math.max(100_000, nanos(o.pollEvery()));
    long progressEvery = nanos(o.progressEvery());
    long nextCheck = start + checkEvery;
    long nextProgress = start + progressEvery;
    long barriers = 0;
    long barrierNanos = 0;
    long pauseNanos = 0;
    long checkNanos = 0;
    Violation violation = null;
    ParallelResult.StopReason reason;
    for (; ; ) {
      LockSupport.parkNanos(pollEvery);
      long now = System.nanoTime();
      if (o.stopRequested().getAsBoolean()) {
        reason = ParallelResult.StopReason.INTERRUPTED;
        break;
      }
      if (run.fault() != null) {
        reason = ParallelResult.StopReason.VIOLATION;
        break;
      }
      if (cw != null && cw.firstViolation().isPresent()) {
        reason = ParallelResult.StopReason.VIOLATION;
        break;
      }
      if (now - start >= limit) {
        reason = ParallelResult.StopReason.DURATION;
        break;
      }
      if (now - nextCheck >= 0) {
        long t0 = System.nanoTime();
        run.pause();
        long tc = System.nanoTime();
        pauseNanos += tc - t0;
        Optional<Violation> v = world.check();
        checkNanos += System.nanoTime() - tc;
        boolean quiet = v.isEmpty() && run.quiescent();
        if (v.isPresent() || quiet) {
          barriers++;
          barrierNanos += System.nanoTime() - t0;
          reason = v.isPresent() ? ParallelResult.StopReason.VIOLATION : ParallelResult.StopReason.QUIESCENT;
          break;
        }
        run.resume();
        long t1 = System.nanoTime();
        barriers++;
        barrierNanos += t1 - t0;
        nextCheck = t1 + checkEvery;
      }
      if (o.progress() != null && now - nextProgress >= 0) {
        o.progress().accept(new Tick(run, now - start));
        nextProgress = now + progressEvery;
      }
    }
    // the final cut
    long t0 = System.nanoTime();
    run.pause();
    long tc = System.nanoTime();
    pauseNanos += tc - t0;
    long elapsed = t0 - start;
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
    checkNanos += System.nanoTime() - tc;
    long hash = world.stateHash();
    long deliveries = run.deliveries();
    barriers++;
    barrierNanos += System.nanoTime() - t0;
    if (atFinalCut != null) atFinalCut.accept(run);
    ReceiveOrders orders = run.finish();
    return new ParallelResult(violation, hash, deliveries, elapsed, reason, orders, barriers, barrierNanos, pauseNanos,
        checkNanos);
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
