package tdxsim.stress.parallel;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;
import org.apache.pekko.event.Logging;

/**
 * Learns of world actors that threw: Pekko's supervision publishes every actor failure as an error event with the
 * failing actor's path as its source, whatever happens to the actor next (a typed parent stops it at once, so its
 * mailbox cannot be relied on to show the failure). Subscribed to the system's event stream; an actor outside the
 * world, so it never appears in a record.
 */
final class FaultListener extends AbstractActor {
  /** Its name under the system guardian (ParRuntime finds its queue by it). */
  static final String NAME = "tdxsim-fault-listener";

  private final ParRuntime runtime;

  private FaultListener(ParRuntime runtime) {
    this.runtime = runtime;
    assert runtime != null : "a fault listener without its runtime";
  }

  static Props props(ParRuntime runtime) {
    assert runtime != null : "props of no runtime";
    return Props.create(FaultListener.class, () -> new FaultListener(runtime));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(Logging.Error.class, e -> {
          // an error logged without a cause (Logging.Error.NoCause) is not a failure
          if (e.cause() != null && !e.cause().getClass().getName().endsWith("$NoCause$")) {
            runtime.failed(e.logSource(), e.cause().toString());
          }
        })
        .build();
  }
}
