package tdxsim.actors.kvm.testkit;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.protocol.KvmPeers;
import tdxsim.protocol.KvmReply;

/** A bare KVM execution context as an actor: runs a procedure body on request and dispatches the replies. */
public final class ProcedureHost {
  private ProcedureHost() {}

  /** Run {@code body} with the host's context, in the actor. */
  public record Run(Consumer<KvmContext> body) {}

  public static Behavior<Object> create(KvmContext kvm, KvmPeers peers, boolean tdRunnable) {
    return Behaviors.setup(ctx -> {
      kvm.wire(peers, ctx.getSelf().narrow());
      if (tdRunnable) kvm.setTdRunnable();
      return Behaviors.receive(Object.class)
          .onMessage(Run.class, r -> {
            r.body().accept(kvm);
            return Behaviors.same();
          })
          .onMessage(KvmReply.class, r -> {
            kvm.dispatch(r); // a reply nothing waits for throws
            return Behaviors.same();
          })
          .build();
    });
  }
}
