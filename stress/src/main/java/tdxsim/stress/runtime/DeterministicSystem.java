package tdxsim.stress.runtime;

import java.util.ArrayList;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.strategy.Delivery;
import tdxsim.stress.strategy.Strategy;

/**
 * A Pekko typed ActorSystem in deterministic mode, and the driver that runs schedules on it.
 *
 * <p>All actor code runs on the thread that created the system (the driver), one message at a time, in the
 * order a {@link Strategy} picks; timers run on virtual time. One system is reused for many schedules: each
 * schedule spawns a fresh world root ({@code /system/world-N}) whose children are the model, and stops it
 * afterwards. Decisions name actors relative to the world root ({@code vcpu-0}), so schedules are comparable.
 *
 * <p>Not thread-safe, by design: to explore on several cores, create one system per thread.
 */
public final class DeterministicSystem implements AutoCloseable {
  private final DetRuntime runtime;
  private final ActorSystem<Void> system;
  private final ArrayList<Delivery> enabled = new ArrayList<>();
  private final DecisionLog.Recorder recorder = new DecisionLog.Recorder();
  private long worlds;
  private boolean closed;
  /** How the schedule being run ends, set by {@link #pickFromList}. */
  private boolean stop;
  private Violation stopViolation;
  private boolean stoppedByStrategy;

  private DeterministicSystem(DetRuntime runtime, ActorSystem<Void> system) {
    this.runtime = runtime;
    this.system = system;
    assert runtime != null : "a deterministic system without its runtime";
    assert system != null : "a deterministic system without its runtime";
  }

  /** Creates a system whose driver is the calling thread. */
  public static DeterministicSystem create(String name) {
    DetRuntime runtime = DetRuntime.REGISTRY.register(id -> new DetRuntime(id, Thread.currentThread()));
    try {
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, DetConfig.forRuntime(runtime.id));
      runtime.settle();
      assert runtime.liveWorldQueues() == 0 : "world actors before the first world";
      return new DeterministicSystem(runtime, system);
    } catch (RuntimeException | Error e) {
      DetRuntime.REGISTRY.remove(runtime);
      throw e;
    }
  }

  public ActorSystem<Void> system() {
    assert system != null : "a deterministic system without its actor system";
    return system;
  }

  DetRuntime runtime() {
    assert runtime != null : "a system without its runtime";
    return runtime;
  }

  /** Virtual time of the running (or last) schedule, in nanoseconds. */
  public long virtualNanos() {
    assert runtime.scheduler() != null : "no virtual clock";
    return runtime.scheduler().now();
  }

  /**
   * Runs one schedule: spawns the world, then repeatedly settles housekeeping, lets {@code strategy} pick one
   * enabled delivery and runs it, checking the world after each; when nothing is enabled, advances virtual time
   * to the next timer; when nothing is left at all, asks the world for liveness violations. Stops at the first
   * violation or when the budget runs out, then tears the world down.
   *
   * <p>{@code strategy.reset} is the caller's job (the explorer knows the schedule seed).
   */
  public ScheduleResult run(World world, Strategy strategy, Budget budget) {
    return run(world, strategy, budget, null);
  }

  /**
   * {@link #run(World, Strategy, Budget)}, telling {@code listener} (if not null) about each delivery just before
   * it is made: what reports use to see the messages themselves.
   */
  public ScheduleResult run(World world, Strategy strategy, Budget budget, DeliveryListener listener) {
    ActorRef<?> root = spawnWorld(world.root());
    assert strategy != null : "run() without a strategy or budget";
    assert budget != null : "run() without a strategy or budget";
    assert !closed : "run() without a strategy or budget";
    DecisionLog.Recorder rec = recorder;
    rec.clear();
    DirectedStrategy directed = strategy instanceof DirectedStrategy ? (DirectedStrategy) strategy : null;
    long maxSteps = budget.maxSteps();
    stop = false;
    stopViolation = null;
    stoppedByStrategy = false;
    Violation violation = null;
    long steps = 0;
    try {
      for (; ; ) {
        runtime.settle();
        if (runtime.fault != null) {
          violation = runtime.fault;
          break;
        }
        Lane lane = directed != null && steps < maxSteps ? (Lane) directed.next(runtime) : null;
        if (lane == null) lane = pickFromList(world, strategy, budget, steps);
        assert directed == null || lane == null || lane == runtime.enabled(lane.receiverIndex(), lane.sender.order,
            lane.senderSeq()) : "the directed strategy picked " + lane + ", which is not enabled";
        if (stop) {
          violation = stopViolation;
          break;
        }
        if (lane == null) continue; // virtual time advanced
        assert lane.size > 0 : "a delivery of the empty lane " + lane + " (stop " + stop + ")";
        assert !stop : "a delivery of the empty lane " + lane + " (stop " + stop + ")";
        assert steps < maxSteps : "delivery " + (steps + 1) + " beyond the step budget " + maxSteps;
        rec.add(lane);
        if (listener != null) announce(listener, steps + 1, lane);
        runtime.deliver(lane);
        steps++;
        if (runtime.fault != null) {
          violation = runtime.fault;
          break;
        }
        Optional<Violation> v = world.check();
        if (v.isPresent()) {
          violation = v.get();
          break;
        }
      }
      long hash = world.stateHash();
      assert rec.size() == steps : rec.size() + " decisions recorded for " + steps + " deliveries";
      return new ScheduleResult(violation, rec.snapshot(), hash, runtime.scheduler().now(), stoppedByStrategy);
    } finally {
      enabled.clear();
      stopWorld(root);
    }
  }

  /**
   * The enabled list and the strategy's pick: the chosen delivery; or null having advanced virtual time to the next
   * timer (nothing enabled); or null with {@link #stop} set when the schedule ends here (quiescence, a budget, the
   * strategy).
   */
  private Lane pickFromList(World world, Strategy strategy, Budget budget, long steps) {
    ArrayList<Delivery> en = enabled;
    runtime.collectEnabled(en);
    int n = en.size();
    assert budget != null : "pick at step " + steps;
    assert steps >= 0 : "pick at step " + steps;
    if (n == 0) {
      VirtualTimeScheduler clock = runtime.scheduler();
      if (clock.hasTimers()) {
        long next = clock.nextDeadline();
        long max = budget.maxVirtualNanos();
        if (next > max) return end(RuntimeViolations.virtualTimeBudget(max, next));
        runtime.advanceTo(next);
        return null;
      }
      return end(world.atQuiescence().orElse(null));
    }
    long max = budget.maxSteps();
    if (steps >= max) return end(RuntimeViolations.stepBudget(max, n, en.get(0).toString()));
    int i = strategy.pick(en);
    // a pick is an index into the enabled list, or negative to end the schedule
    assert i < n : strategy.name() + " picked " + i + " of " + n + " enabled deliveries";
    if (i < 0) {
      stoppedByStrategy = true;
      return end(null);
    }
    return (Lane) en.get(i);
  }

  private Lane end(Violation v) {
    assert !stop : "the schedule ended twice";
    stop = true;
    stopViolation = v;
    return null;
  }

  private static void announce(DeliveryListener listener, long step, Lane lane) {
    assert step > 0 : "announce of step " + step;
    assert lane.size > 0 : "announce of step " + step;
    Object message = lane.peek().message();
    listener.delivering(
        step,
        new Decision(lane.receiver(), lane.receiverSeq(), lane.sender(), message.getClass().getSimpleName()),
        message);
  }

  /**
   * Benchmark baseline: runs {@code world} with every mailbox in plain FIFO order and no decision, no checks and
   * no recording, until quiescent or {@code maxDeliveries}. The difference to {@link #run} is the cost of
   * scheduling.
   *
   * @return deliveries made
   */
  public long runDirect(World world, long maxDeliveries) {
    assert maxDeliveries >= 0 : "runDirect of " + maxDeliveries;
    assert !runtime.direct : "runDirect of " + maxDeliveries;
    runtime.direct = true;
    ActorRef<?> root = spawnWorld(world.root());
    try {
      while (runtime.worldDeliveries < maxDeliveries && runtime.runOne()) {
        // each task is one mailbox run: at most one delivery (throughput 1)
      }
      return runtime.worldDeliveries;
    } finally {
      runtime.direct = false;
      assert !runtime.direct : "direct mode left on";
      stopWorld(root);
    }
  }

  @SuppressWarnings("unchecked")
  private ActorRef<?> spawnWorld(Behavior<?> root) {
    if (closed) throw new IllegalStateException("deterministic system is closed");
    runtime.checkDriverThread("a world", "");
    String name = "world-" + worlds++;
    assert root != null : "a world without its root behaviour";
    assert worlds > 0 : "a world without its root behaviour";
    runtime.beginWorld("/system/" + name);
    return system.systemActorOf((Behavior<Object>) root, name, Props.empty());
  }

  /** Stops the world root and runs housekeeping until every world actor is gone; the clock rewinds to 0. */
  private void stopWorld(ActorRef<?> root) {
    Adapter.toClassic(system).stop(Adapter.toClassic(root));
    runtime.settle();
    if (runtime.liveWorldQueues() != 0) {
      throw new IllegalStateException(runtime.liveWorldQueues() + " world actors survived the world's stop");
    }
    runtime.endWorld();
    assert runtime.liveWorldQueues() == 0 : "world actors alive after the world's end";
  }

  /** Terminates the system, driving its shutdown to the end on this thread, and frees the runtime id. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    assert runtime.liveWorldQueues() == 0 : "closing with " + runtime.liveWorldQueues() + " world actors alive";
    try {
      system.terminate();
      for (int i = 0; i < 10_000 && !system.whenTerminated().isCompleted(); i++) {
        runtime.settle();
        if (system.whenTerminated().isCompleted()) break;
        VirtualTimeScheduler clock = runtime.scheduler();
        if (!clock.hasTimers()) break;
        runtime.advanceTo(clock.nextDeadline());
      }
    } finally {
      runtime.markClosed();
      DetRuntime.REGISTRY.remove(runtime);
    }
  }
}
