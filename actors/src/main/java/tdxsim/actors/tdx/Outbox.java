package tdxsim.actors.tdx;

import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.SeamcallResult;

/** What the module's handlers send: replies, and continuations to the module itself. */
interface Outbox {
  void reply(ActorRef<SeamcallResult> to, SeamcallResult r);

  void reply(ActorRef<GuestResult> to, GuestResult r);

  /** Schedule the next step of in-flight op {@code opId} (a {@code Continue} to self). */
  void continueLater(long opId);
}
