package tdxsim.stress.runtime;

import com.typesafe.config.Config;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.apache.pekko.dispatch.MessageDispatcherConfigurator;
import org.apache.pekko.dispatch.sysmsg.SystemMessage;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko's own dispatcher, built as its {@code DispatcherConfigurator} builds it, which also tells the runtime when
 * a system message is sent to a deterministic mailbox: a parked mailbox (marked scheduled, so Pekko submits it to
 * no one) is then looked at for system messages, and the driver no longer scans every parked mailbox after every
 * delivery for the rare stop or watch.
 */
public final class DetDispatcherConfigurator extends MessageDispatcherConfigurator {
  private final MessageDispatcher instance;

  public DetDispatcherConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Config c = config();
    instance = new DetDispatcher(this, c.getString("id"), c.getInt("throughput"),
        FiniteDuration.create(c.getDuration("throughput-deadline-time", TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS),
        configureExecutor(),
        FiniteDuration.create(c.getDuration("shutdown-timeout", TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS));
    assert c.getInt("throughput") == 1 : "deterministic mode needs throughput 1: every delivery is a decision";
  }

  @Override
  public MessageDispatcher dispatcher() {
    return instance;
  }

  private static final class DetDispatcher extends Dispatcher {
    DetDispatcher(MessageDispatcherConfigurator configurator, String id, int throughput,
        FiniteDuration deadline, org.apache.pekko.dispatch.ExecutorServiceFactoryProvider executor,
        FiniteDuration shutdownTimeout) {
      super(configurator, id, throughput, deadline, executor, shutdownTimeout);
    }

    @Override
    public void systemDispatch(ActorCell receiver, SystemMessage invocation) {
      super.systemDispatch(receiver, invocation);
      if (receiver.mailbox().messageQueue() instanceof DetMessageQueue q) q.runtime.systemMessageSent();
    }
  }
}
