package tdxsim.stress.parallel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;
import tdxsim.stress.runtime.World;

/**
 * A Pekko typed ActorSystem in parallel mode: the same behaviours as the deterministic runtime, on a
 * multi-threaded pool, optionally recording every world actor's receive order. Worlds run one at a time, each as
 * a fresh root ({@code /system/worlds/world-N}) whose descendants are the model, named relative to it exactly as in the
 * deterministic runtime, so that a record names the same actors a replay creates.
 */
public final class ParallelSystem implements AutoCloseable {
  private final ParRuntime runtime;
  private final ActorSystem<Void> system;
  private final ParallelSettings settings;
  private final ActorRef<Spawn> host;
  private long worlds;
  private ParallelRun running;
  private boolean closed;

  private static final String HOST_PATH = "/system/worlds";

  private ParallelSystem(ParRuntime runtime, ActorSystem<Void> system, ParallelSettings settings) {
    this.runtime = runtime;
    this.system = system;
    this.settings = settings;
    this.host = system.systemActorOf(host(), "worlds", Props.empty());
    assert runtime != null : "a parallel system without its parts";
    assert settings != null : "a parallel system without its parts";
    assert host != null : "a parallel system without its parts";
  }

  public static ParallelSystem create(String name, ParallelSettings settings) {
    // initialise slf4j/logback on this thread first: several pool threads racing to do it make slf4j replay
    // (and announce) the calls it intercepted meanwhile
    org.slf4j.LoggerFactory.getILoggerFactory();
    assert name != null : "a parallel system without its name or settings";
    assert settings != null : "a parallel system without its name or settings";
    ParRuntime runtime =
        ParRuntime.REGISTRY.register(id -> new ParRuntime(id, settings.recording(), settings.threads()));
    try {
      ActorSystem<Void> system =
          ActorSystem.create(Behaviors.empty(), name, ParConfig.forRuntime(runtime.id, settings.throughput()));
      org.apache.pekko.actor.ActorSystem classic = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system);
      classic.eventStream().subscribe(((org.apache.pekko.actor.ExtendedActorSystem) classic)
              .systemActorOf(FaultListener.props(runtime), FaultListener.NAME),
          org.apache.pekko.event.Logging.Error.class);
      return new ParallelSystem(runtime, system, settings);
    } catch (RuntimeException | Error e) {
      ParRuntime.REGISTRY.remove(runtime);
      throw e;
    }
  }

  public ParallelSettings settings() {
    assert settings.threads() == runtime.threads : settings.threads() + " threads set, " + runtime.threads + " run";
    return settings;
  }

  public ActorSystem<Void> system() {
    assert system != null : "no actor system";
    return system;
  }

  /** Spawns {@code world}'s root: its actors start running at once, on every pool thread. */
  @SuppressWarnings("unchecked")
  public synchronized ParallelRun start(World world) {
    if (closed) throw new IllegalStateException("parallel system is closed");
    if (running != null && !running.isOver()) throw new IllegalStateException("a world is already running");
    String name = "world-" + worlds++;
    assert world != null : "start of no world";
    assert worlds > 0 : "start of no world";
    boolean tdsWhole = world instanceof ConcurrentWorld cw && cw.tdsOnOneThread() && !settings.splitTds();
    runtime.beginWorld(HOST_PATH + "/" + name, tdsWhole);
    long start = System.nanoTime();
    java.util.concurrent.CompletableFuture<ActorRef<?>> spawned = new java.util.concurrent.CompletableFuture<>();
    host.tell(new Spawn((Behavior<Object>) world.root(), name, spawned));
    ActorRef<?> root;
    try {
      root = spawned.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException | java.util.concurrent.ExecutionException | TimeoutException e) {
      throw new IllegalStateException("world root " + name + " did not start: " + e, e);
    }
    running = new ParallelRun(this, runtime, world, root, start);
    assert root != null : "world " + name + " started over";
    assert !running.isOver() : "world " + name + " started over";
    return running;
  }

  /** The host's request to spawn a world root. */
  private record Spawn(Behavior<Object> root, String name, java.util.concurrent.CompletableFuture<ActorRef<?>> done) {}

  /**
   * The parent of every world root. A top-level actor is created asynchronously, by a task outside any mailbox run,
   * which a consistent cut does not wait for (a cut could see a world without its root, "quiescent"); a child is
   * created synchronously inside its parent's mailbox run. The host is not part of any world.
   */
  private static Behavior<Spawn> host() {
    return Behaviors.receive((ctx, m) -> {
      m.done().complete(ctx.spawn(m.root(), m.name()));
      return Behaviors.same();
    });
  }

  ParRuntime runtime() {
    assert runtime != null : "no runtime";
    return runtime;
  }

  /** Terminates the system and waits (up to a minute) for it. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    assert running == null || !running.isOver() || runtime.frozen : "a finished world still takes messages";
    try {
      if (running != null && !running.isOver()) running.abandon();
      runtime.resume();
      system.terminate();
      Await.ready(system.whenTerminated(), Duration.create(60, TimeUnit.SECONDS));
    } catch (TimeoutException | InterruptedException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    } finally {
      ParRuntime.REGISTRY.remove(runtime);
    }
  }
}
