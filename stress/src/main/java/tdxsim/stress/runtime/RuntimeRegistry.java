package tdxsim.stress.runtime;

import com.typesafe.config.Config;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the classes Pekko constructs reflectively (executor configurator, mailbox type, scheduler) find their
 * system's {@link DetRuntime}: the system config carries a unique id under {@link #CONFIG_KEY}. An entry lives
 * from {@link DeterministicSystem#create} to {@link DeterministicSystem#close}. This is the only static state of
 * the runtime, so several deterministic systems can run side by side.
 */
final class RuntimeRegistry {
  static final String CONFIG_KEY = "tdxsim.det.runtime-id";

  private static final ConcurrentHashMap<String, DetRuntime> RUNTIMES = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_ID = new AtomicLong();

  private RuntimeRegistry() {}

  static DetRuntime register(Thread driver) {
    DetRuntime runtime = new DetRuntime("det-" + NEXT_ID.incrementAndGet(), driver);
    RUNTIMES.put(runtime.id, runtime);
    return runtime;
  }

  static DetRuntime lookup(Config config) {
    if (!config.hasPath(CONFIG_KEY)) {
      throw new IllegalStateException(
          "deterministic-runtime class used outside a DeterministicSystem (no " + CONFIG_KEY + " in config)");
    }
    String id = config.getString(CONFIG_KEY);
    DetRuntime runtime = RUNTIMES.get(id);
    if (runtime == null) throw new IllegalStateException("deterministic runtime " + id + " is closed or unknown");
    return runtime;
  }

  static void remove(DetRuntime runtime) {
    RUNTIMES.remove(runtime.id, runtime);
  }

  /** Open runtimes; a test checks that closing removes the entry. */
  static int size() {
    return RUNTIMES.size();
  }
}
