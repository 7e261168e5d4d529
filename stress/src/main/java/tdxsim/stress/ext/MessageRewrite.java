package tdxsim.stress.ext;

import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A design option as a rewrite of the messages one actor receives (the model's behaviour otherwise unchanged): a
 * message in, the message the actor handles instead, or null to drop it. The smallest way to state "this actor
 * does X instead of Y": {@link DesignChange#rewrite}.
 */
final class MessageRewrite<M> extends BehaviorInterceptor<M, M> {
  private final UnaryOperator<M> rewrite;

  MessageRewrite(Class<M> protocol, UnaryOperator<M> rewrite) {
    super(protocol);
    this.rewrite = rewrite;
  }

  static <M> Behavior<M> around(Behavior<M> original, Class<M> protocol, UnaryOperator<M> rewrite) {
    return Behaviors.intercept(() -> new MessageRewrite<>(protocol, rewrite), original);
  }

  @Override
  public Behavior<M> aroundReceive(TypedActorContext<M> ctx, M msg, ReceiveTarget<M> target) {
    M m = rewrite.apply(msg);
    return m == null ? Behaviors.same() : target.apply(ctx, m);
  }
}
