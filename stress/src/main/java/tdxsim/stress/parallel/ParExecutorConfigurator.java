package tdxsim.stress.parallel;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.Mailbox;

/**
 * {@code pekko.actor.default-dispatcher.executor} of parallel mode: a {@link ParPool} (one thread per core unless
 * told otherwise, a home thread per actor, TDs in time slices). A mailbox is run through its actor's
 * {@link RunTask}, so the thread knows which actor it runs and where it lives; anything else is passed through.
 */
public final class ParExecutorConfigurator extends ExecutorServiceConfigurator {
  private final ParRuntime runtime;

  public ParExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    this.runtime = ParRuntime.REGISTRY.lookup(prerequisites.settings().config());
    assert runtime != null : "an executor configurator without its runtime";
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    return () -> new Executor(runtime, id);
  }

  static final class Executor extends AbstractExecutorService {
    private final ParPool pool;

    Executor(ParRuntime runtime, String id) {
      this.pool = new ParPool(runtime, runtime.id + "-" + id.replace("pekko.actor.", "") + "-", runtime.threads);
      runtime.attach(pool);
      assert pool != null : "an executor without its pool";
      assert id != null : "an executor without its pool";
    }

    @Override
    public void execute(Runnable r) {
      assert r != null : "execute(null)";
      if (r instanceof Mailbox) {
        Mailbox m = (Mailbox) r;
        if (m.messageQueue() instanceof ParMessageQueue) {
          pool.execute(((ParMessageQueue) m.messageQueue()).task(m));
          return;
        }
      }
      pool.execute(r);
    }

    @Override
    public void shutdown() {
      pool.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return pool.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return pool.awaitTermination(timeout, unit);
    }
  }
}
