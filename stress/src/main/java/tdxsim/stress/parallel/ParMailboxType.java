package tdxsim.stress.parallel;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import scala.Option;

/**
 * {@code mailbox-type} of parallel mode, set on both {@code pekko.actor.default-mailbox} and
 * {@code pekko.actor.typed.default-mailbox} (typed actors read the latter). Pekko constructs it reflectively; it
 * finds its system's {@link ParRuntime} through the runtime id in the system config.
 */
public final class ParMailboxType implements MailboxType, ProducesMessageQueue<ParMessageQueue> {
  private final ParRuntime runtime;

  public ParMailboxType(ActorSystem.Settings settings, Config config) {
    this.runtime = ParRuntime.REGISTRY.lookup(settings.config());
    assert runtime != null : "a mailbox type without its runtime";
  }

  @Override
  public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
    assert owner != null : "create without an owner option";
    return runtime.newQueue(owner.isDefined() ? owner.get() : null);
  }
}
