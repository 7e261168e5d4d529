package tdxsim.actors.tdx;

import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.SeamcallResult;

/**
 * What the module's handlers send: replies, and continuations of in-flight ops. The module decides where an op
 * continues: the one-actor module sends itself a {@code Continue}; the sharded module's front sends an op that works
 * on the S-EPT to the gfn's shard.
 */
@FunctionalInterface
interface Outbox {
  default void reply(ActorRef<SeamcallResult> to, SeamcallResult r) {
    assert to != null && r != null && r.status() != null : "a SEAMCALL answered to nobody";
    to.tell(r);
  }

  default void reply(ActorRef<GuestResult> to, GuestResult r) {
    assert to != null && r != null : "a guest result to nobody";
    to.tell(r);
  }

  /** Schedule the next step of in-flight op {@code opId}. */
  void continueLater(long opId);
}
