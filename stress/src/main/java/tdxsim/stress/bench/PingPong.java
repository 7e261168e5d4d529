package tdxsim.stress.bench;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.UncheckedWorld;
import tdxsim.stress.runtime.World;

/**
 * The benchmark's workload: two actors bat a ball {@code rounds} times, one message in flight. The same
 * behaviours run in both runtimes; {@code done} completes when the last ball arrives.
 */
final class PingPong {
  record Ball(int left, ActorRef<Ball> replyTo) {}

  private PingPong() {}

  /** The ping-pong pair under one root; the root serves the first ball. */
  static Behavior<Void> root(int rounds, CompletableFuture<Void> done) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Ball> pong = ctx.spawn(player(null), "pong");
          ActorRef<Ball> ping = ctx.spawn(player(done), "ping");
          pong.tell(new Ball(rounds, ping));
          return Behaviors.empty();
        });
  }

  /**
   * Without {@code done} (pong): returns every ball. With it (ping): returns it with one round less, and ends
   * the rally when a ball with no rounds left comes back.
   */
  private static Behavior<Ball> player(CompletableFuture<Void> done) {
    return Behaviors.setup(
        ctx ->
            Behaviors.receiveMessage(
                b -> {
                  if (done == null) b.replyTo().tell(new Ball(b.left(), ctx.getSelf()));
                  else if (b.left() > 0) b.replyTo().tell(new Ball(b.left() - 1, ctx.getSelf()));
                  else done.complete(null);
                  return Behaviors.same();
                }));
  }

  /** Each player gets the ball {@code rounds + 1} times. */
  static long deliveries(int rounds) {
    return 2L * rounds + 2;
  }

  /** The ping-pong as a deterministic-mode world. */
  static World world(int rounds) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    return new World() {
      @Override
      public Behavior<?> root() {
        return PingPong.root(rounds, done);
      }

      @Override
      public Optional<Violation> check() {
        return Optional.empty();
      }

      @Override
      public Optional<Violation> atQuiescence() {
        return done.isDone() ? Optional.empty() : Optional.of(Violation.of("bench.unfinished", "rally not over"));
      }

      @Override
      public long stateHash() {
        return 0;
      }
    };
  }

  /** A world whose root spawns {@code actors} idle children: what a schedule costs before any delivery. */
  static World idleWorld(int actors) {
    return new UncheckedWorld() {
      @Override
      public Behavior<?> root() {
        return Behaviors.<Void>setup(
            ctx -> {
              for (int i = 0; i < actors; i++) ctx.spawn(Behaviors.<Void>empty(), "actor-" + i);
              return Behaviors.empty();
            });
      }

    };
  }
}
