package tdxsim.stress.runtime;

import com.typesafe.config.Config;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * {@code pekko.actor.default-dispatcher.executor} of deterministic mode: hands Pekko an executor that only
 * queues runnables for the driver (see {@link DetExecutorService}). No thread is ever created.
 */
public final class DetExecutorConfigurator extends ExecutorServiceConfigurator {
  private final DetRuntime runtime;

  public DetExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    this.runtime = DetRuntime.REGISTRY.lookup(prerequisites.settings().config());
    assert runtime != null : "an executor configurator without its runtime";
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    return () -> new DetExecutorService(runtime);
  }
}
