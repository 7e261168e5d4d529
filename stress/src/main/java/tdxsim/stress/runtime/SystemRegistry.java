package tdxsim.stress.runtime;

import com.typesafe.config.Config;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * How the classes Pekko constructs reflectively (executor configurator, mailbox type, scheduler) find the runtime
 * of their actor system: the system config carries a unique id under {@link #configKey()}. An entry lives from the
 * system's creation to its close. One registry per kind of runtime (deterministic, parallel) is the only static
 * state of that runtime, so several systems can run side by side.
 *
 * @param <R> the runtime
 */
public final class SystemRegistry<R> {
  private final String configKey;
  private final String kind;
  private final Function<R, String> idOf;
  private final ConcurrentHashMap<String, R> open = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();

  /**
   * @param configKey the config path that carries the id
   * @param kind the runtime's kind and its ids' prefix: {@code det}, {@code par}
   * @param idOf the id a runtime was made with
   */
  public SystemRegistry(String configKey, String kind, Function<R, String> idOf) {
    this.configKey = configKey;
    this.kind = kind;
    this.idOf = idOf;
    assert configKey != null : "a registry without its key";
    assert kind != null : "a registry without its key";
    assert idOf != null : "a registry without its key";
  }

  public String configKey() {
    return configKey;
  }

  /** A new runtime, made with a fresh id ({@code kind-N}), open until {@link #remove}. */
  public R register(Function<String, R> make) {
    R runtime = make.apply(kind + "-" + nextId.incrementAndGet());
    assert runtime != null : "a " + kind + " runtime of another id";
    assert idOf.apply(runtime).startsWith(kind + "-") : "a " + kind + " runtime of another id";
    open.put(idOf.apply(runtime), runtime);
    assert open.get(idOf.apply(runtime)) == runtime : "runtime not registered";
    return runtime;
  }

  /** The runtime of the system whose config this is. */
  public R lookup(Config config) {
    if (!config.hasPath(configKey)) {
      throw new IllegalStateException(kind + " runtime class used outside its actor system (no " + configKey
          + " in config)");
    }
    String id = config.getString(configKey);
    R runtime = open.get(id);
    if (runtime == null) throw new IllegalStateException(kind + " runtime " + id + " is closed or unknown");
    return runtime;
  }

  public void remove(R runtime) {
    assert runtime != null : "remove of no runtime";
    open.remove(idOf.apply(runtime), runtime);
  }

  /** Open runtimes; a test checks that closing removes the entry. */
  public int size() {
    return open.size();
  }
}
