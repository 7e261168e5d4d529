package tdxsim.stress.runtime;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The executor of deterministic mode. {@link #execute} only appends the runnable (usually a mailbox) to the
 * runtime's queue; the driver decides when, and whether, it runs. Shutting it down changes nothing: the queue
 * belongs to the runtime, which outlives Pekko's dispatchers.
 */
final class DetExecutorService extends AbstractExecutorService {
  private final DetRuntime runtime;
  private volatile boolean shutdown;

  DetExecutorService(DetRuntime runtime) {
    this.runtime = runtime;
    assert runtime != null : "an executor without its runtime";
  }

  @Override
  public void execute(Runnable command) {
    assert command != null : "execute(null)";
    runtime.submit(command);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
