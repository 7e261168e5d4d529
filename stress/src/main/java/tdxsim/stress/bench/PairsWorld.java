package tdxsim.stress.bench;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.stress.runtime.UncheckedWorld;

/**
 * The throughput upper bound of {@link StressBench}: {@code pairs} independent actor pairs, each exchanging one
 * message back and forth for ever (as a vCPU and the actor it talks to do, but with nothing shared), so that all
 * cores are busy and no actor is a bottleneck. Each pair counts its round trips in its own padded slot.
 */
final class PairsWorld extends UncheckedWorld {
  private static final int PAD = 16;

  record Ball(ActorRef<Ball> replyTo) {}

  private final int pairs;
  private final long[] counts;
  /** Set to end the exchange: each ping drops its ball, so the system is idle when it is terminated. */
  volatile boolean stop;

  PairsWorld(int pairs) {
    this.pairs = pairs;
    this.counts = new long[pairs * PAD];
  }

  @Override
  public Behavior<?> root() {
    return Behaviors.setup(ctx -> {
      for (int i = 0; i < pairs; i++) {
        ActorRef<Ball> pong = ctx.spawn(pong(), "pong-" + i);
        ActorRef<Ball> ping = ctx.spawn(ping(i), "ping-" + i);
        pong.tell(new Ball(ping));
      }
      return Behaviors.empty();
    });
  }

  private static Behavior<Ball> pong() {
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(b -> {
      b.replyTo().tell(new Ball(ctx.getSelf()));
      return Behaviors.same();
    }));
  }

  private Behavior<Ball> ping(int i) {
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(b -> {
      counts[i * PAD]++;
      if (!stop) b.replyTo().tell(new Ball(ctx.getSelf()));
      return Behaviors.same();
    }));
  }

  /** Messages delivered so far (two per round trip; read racily while running). */
  long messages() {
    long n = 0;
    for (int i = 0; i < pairs; i++) n += counts[i * PAD];
    return 2 * n;
  }
}
