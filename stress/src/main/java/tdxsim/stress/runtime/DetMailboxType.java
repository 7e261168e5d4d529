package tdxsim.stress.runtime;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import scala.Option;

/**
 * {@code mailbox-type} of deterministic mode, set on both {@code pekko.actor.default-mailbox} and
 * {@code pekko.actor.typed.default-mailbox} (typed actors read the latter). Pekko constructs it reflectively;
 * it finds its system's {@link DetRuntime} through the runtime id in the system config.
 */
public final class DetMailboxType implements MailboxType {
  private final DetRuntime runtime;

  public DetMailboxType(ActorSystem.Settings settings, Config config) {
    this.runtime = DetRuntime.REGISTRY.lookup(settings.config());
    assert runtime != null : "a mailbox type without its runtime";
  }

  @Override
  public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
    return runtime.newQueue(owner.isDefined() ? owner.get() : null);
  }
}
