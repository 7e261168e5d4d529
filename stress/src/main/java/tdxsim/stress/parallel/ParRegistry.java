package tdxsim.stress.parallel;

import com.typesafe.config.Config;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the classes Pekko constructs reflectively (mailbox type, executor configurator) find their system's
 * {@link ParRuntime}: the system config carries a unique id. The only static state of the parallel runtime.
 */
final class ParRegistry {
  static final String CONFIG_KEY = "tdxsim.par.runtime-id";

  private static final ConcurrentHashMap<String, ParRuntime> RUNTIMES = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_ID = new AtomicLong();

  private ParRegistry() {}

  static ParRuntime register(boolean recording, int threads) {
    ParRuntime r = new ParRuntime("par-" + NEXT_ID.incrementAndGet(), recording, threads);
    RUNTIMES.put(r.id, r);
    return r;
  }

  static ParRuntime lookup(Config config) {
    if (!config.hasPath(CONFIG_KEY)) {
      throw new IllegalStateException("parallel-runtime class used outside a ParallelSystem (no " + CONFIG_KEY + ")");
    }
    ParRuntime r = RUNTIMES.get(config.getString(CONFIG_KEY));
    if (r == null) throw new IllegalStateException("parallel runtime " + config.getString(CONFIG_KEY) + " is closed");
    return r;
  }

  static void remove(ParRuntime r) {
    RUNTIMES.remove(r.id, r);
  }
}
