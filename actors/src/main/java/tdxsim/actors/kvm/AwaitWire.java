package tdxsim.actors.kvm;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.japi.function.Procedure2;

/**
 * The first behaviour of an actor that needs its peers before it can act (vCPUs, guest_memfd, the VMM): every
 * message is stashed until the Vm root's Wire arrives, then {@code onWire} returns the running behaviour and the
 * stash is replayed into it in arrival order, so no message is lost or reordered by the wiring.
 */
public final class AwaitWire {
  private AwaitWire() {}

  /**
   * An actor made at setup ({@code make}) that runs once its Wire has arrived and {@code onWire} has wired it;
   * until then every message is stashed (at most 1024).
   */
  public static <M, W extends M, A extends Behavior<M>> Behavior<M> setup(
      Class<M> type, Class<W> wire, java.util.function.Function<ActorContext<M>, A> make, Procedure2<A, W> onWire) {
    assert make != null && onWire != null : "an actor awaiting its wire without a maker";
    return Behaviors.setup(ctx -> Behaviors.withStash(1024, stash -> {
      A actor = make.apply(ctx);
      return stashUntil(type, wire, stash, w -> {
        onWire.apply(actor, w);
        return actor;
      });
    }));
  }

  private static <M, W extends M> Behavior<M> stashUntil(
      Class<M> type, Class<W> wire, StashBuffer<M> stash, Function<W, Behavior<M>> onWire) {
    assert type != null && wire != null && stash != null && onWire != null : "stashUntil without a wire";
    return Behaviors.receive(type)
        .onMessage(wire, w -> stash.unstashAll(onWire.apply(w)))
        .onAnyMessage(m -> {
          stash.stash(m);
          return Behaviors.same();
        })
        .build();
  }
}
