package tdxsim.stress.parallel;

import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Fnv;
import tdxsim.stress.runtime.UncheckedWorld;

/**
 * Parallel-safe fixture whose outcome is its receive orders. Senders each send numbered notes to two sinks, one
 * per handling (they step themselves with a self-message in between, so that threads interleave them); the sinks
 * fold the order they see into a hash and forward every fourth note to the other sink (a second hop, so that
 * receive orders depend on each other). The seed picks how many senders and notes there are: different seeds,
 * different outcomes by construction; on real threads the interleavings differ from run to run as well.
 *
 * <p>With {@code violateAt > 0}, {@link #check()} reports a violation once sink-0 has seen that many notes: a
 * deterministic "bug" that every run hits.
 *
 * <p>All state is owned by one actor each; the runtime reads it only at a consistent cut.
 */
public final class OrderWorld extends UncheckedWorld {
  public record Note(int from, int n) {}

  public record Step(int left) {}

  private final int senders;
  private final int notes;
  private final int violateAt;
  private final long[] sinkHash = {Fnv.OFFSET, Fnv.OFFSET};
  private final long[] sinkCount = new long[2];

  public OrderWorld(long seed, int violateAt) {
    SplittableRandom r = new SplittableRandom(seed);
    this.senders = 2 + r.nextInt(3);
    this.notes = 20 + r.nextInt(40);
    this.violateAt = violateAt;
  }

  @Override
  public Behavior<?> root() {
    return Behaviors.setup(ctx -> {
      @SuppressWarnings("unchecked")
      ActorRef<Note>[] sinks = new ActorRef[2];
      for (int s = 0; s < 2; s++) sinks[s] = ctx.spawn(sink(s, sinks), "sink-" + s);
      for (int i = 0; i < senders; i++) ctx.spawn(sender(i, sinks), "sender-" + i).tell(new Step(notes));
      return Behaviors.empty();
    });
  }

  private Behavior<Note> sink(int id, ActorRef<Note>[] sinks) {
    return Behaviors.receiveMessage(n -> {
      sinkHash[id] = Fnv.mix(Fnv.mix(sinkHash[id], n.from()), n.n());
      sinkCount[id]++;
      if (n.from() >= 0 && n.n() % 4 == 0) sinks[1 - id].tell(new Note(-1 - id, n.n()));
      return Behaviors.same();
    });
  }

  private static Behavior<Step> sender(int id, ActorRef<Note>[] sinks) {
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(s -> {
      if (s.left() > 0) {
        sinks[s.left() % 2].tell(new Note(id, s.left()));
        ctx.getSelf().tell(new Step(s.left() - 1));
      }
      return Behaviors.same();
    }));
  }

  @Override
  public Optional<Violation> check() {
    if (violateAt > 0 && sinkCount[0] >= violateAt) {
      return Optional.of(Violation.of("fixture.sink-overflow", "sink-0 received " + violateAt + " notes"));
    }
    return Optional.empty();
  }

  @Override
  public long stateHash() {
    return Fnv.mix(Fnv.mix(sinkHash[0], sinkHash[1]), sinkCount[0] * 1_000_003 + sinkCount[1]);
  }
}
