package tdxsim.stress.ext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.invariants.Invariant;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.ObservationApi;
import tdxsim.actors.options.ActorPatch;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vm.VmConfig;

/**
 * The plugins in effect for a scenario and the plugin options switched on: the one registry that the command line
 * ({@code --option}, {@code list}, {@code replay}) and the JUnit extension share. The built-in options
 * ({@link DesignOption}) and invariants stay the model's; a name is looked up among them first.
 *
 * @param plugins in effect, by name
 * @param chosen plugin options switched on, in the order given
 */
public record Extensions(List<TdxSimPlugin> plugins, List<String> chosen) {
  /** A trace's options entry naming a plugin: {@code plugin:NAME@VERSION}. */
  public static final String ENTRY = "plugin:";
  private static Extensions installed;

  public Extensions {
    plugins = plugins.stream().sorted(Comparator.comparing(TdxSimPlugin::name)).toList();
    chosen = List.copyOf(chosen);
  }

  /** No plugin. */
  public static Extensions none() {
    return new Extensions(List.of(), List.of());
  }

  /** The plugins {@link ServiceLoader} finds on the class path (loaded once per process). */
  public static synchronized Extensions installed() {
    if (installed == null) installed = load(Thread.currentThread().getContextClassLoader());
    return installed;
  }

  /** The plugins {@code loader} provides; one that breaks the rules is an {@link IllegalArgumentException}. */
  public static Extensions load(ClassLoader loader) {
    Extensions e = none();
    for (TdxSimPlugin p : ServiceLoader.load(TdxSimPlugin.class, loader)) e = e.withPlugin(p);
    return e;
  }

  /** With {@code p} in effect (replacing a plugin of the same name). */
  public Extensions withPlugin(TdxSimPlugin p) {
    validate(p);
    List<TdxSimPlugin> l = new ArrayList<>(plugins);
    l.removeIf(q -> q.name().equals(p.name()));
    l.add(p);
    Extensions e = new Extensions(l, chosen);
    e.checkClashes();
    return e;
  }

  /** The plugin option named {@code name}, if a plugin in effect has it. */
  public Optional<DesignChange<?>> option(String name) {
    for (TdxSimPlugin p : plugins) {
      for (DesignChange<?> o : p.options()) if (o.name().equals(name)) return Optional.of(o);
    }
    return Optional.empty();
  }

  /**
   * With the plugin option {@code name} switched on.
   *
   * @throws IllegalArgumentException if no plugin in effect has it
   */
  public Extensions choose(String name) {
    if (option(name).isEmpty()) throw new IllegalArgumentException("no plugin has design option " + name);
    if (chosen.contains(name)) return this;
    List<String> l = new ArrayList<>(chosen);
    l.add(name);
    return new Extensions(plugins, l);
  }

  /**
   * Checks a trace's {@code plugin:NAME@VERSION} entry against the plugins in effect.
   *
   * @throws IllegalArgumentException naming the plugin when it is missing or has another version
   */
  public void require(String entry) {
    String spec = entry.substring(ENTRY.length());
    int at = spec.lastIndexOf('@');
    String name = at < 0 ? spec : spec.substring(0, at);
    String version = at < 0 ? "" : spec.substring(at + 1);
    for (TdxSimPlugin p : plugins) {
      if (!p.name().equals(name)) continue;
      if (p.version().equals(version)) return;
      throw new IllegalArgumentException("needs plugin " + name + " " + version + ", but " + name + " "
          + p.version() + " is installed");
    }
    throw new IllegalArgumentException("needs plugin " + name + " " + version
        + ", which is not on the class path (./tdxsim --plugin JAR, or TDXSIM_CLASSPATH)");
  }

  /** Every plugin option, over all plugins in effect. */
  public List<DesignChange<?>> options() {
    return plugins.stream().<DesignChange<?>>flatMap(p -> p.options().stream()).toList();
  }

  /** Every plugin invariant, checked on every run after the built-in ones. */
  public List<UserInvariant> invariants() {
    return plugins.stream().flatMap(p -> p.invariants().stream()).toList();
  }

  /** The plugin that adds option or invariant {@code name}, for listings. */
  public String pluginOf(String name) {
    for (TdxSimPlugin p : plugins) {
      if (p.options().stream().anyMatch(o -> o.name().equals(name))
          || p.invariants().stream().anyMatch(i -> i.id().equals(name))) {
        return p.name() + " " + p.version();
      }
    }
    return null;
  }

  /** What a trace records: {@code plugin:NAME@VERSION} for every plugin in effect. */
  public List<String> traceEntries() {
    return plugins.stream().map(p -> ENTRY + p.name() + "@" + p.version()).toList();
  }

  /** {@code options} with this trace's plugin entries first (replacing any it had). */
  public List<String> traceOptions(List<String> options) {
    List<String> l = new ArrayList<>(traceEntries());
    for (String o : options) if (!o.startsWith(ENTRY)) l.add(o);
    return l;
  }

  /** The chosen options as one change of the VM's actors. */
  public ActorPatch patch() {
    if (chosen.isEmpty()) return ActorPatch.NONE;
    List<DesignChange<?>> changes = chosen.stream().<DesignChange<?>>map(n -> option(n).orElseThrow()).toList();
    return new ActorPatch() {
      @Override
      public <M> Behavior<M> apply(String actor, Class<M> protocol,
          Behavior<M> behavior, VmConfig config,
          Monitor monitor) {
        Behavior<M> b = behavior;
        for (DesignChange<?> c : changes) b = c.applyTo(actor, protocol, b, new ActorSite(actor, config, monitor));
        return b;
      }
    };
  }

  static void validate(TdxSimPlugin p) {
    if (p.name() == null || !DesignChange.NAME.matcher(p.name()).matches()) {
      throw new IllegalArgumentException("plugin name must match " + DesignChange.NAME + ": " + p.name());
    }
    if (p.version() == null || p.version().isBlank() || p.version().contains(" ")) {
      throw new IllegalArgumentException("plugin " + p.name() + ": version must be one word: " + p.version());
    }
    if (p.observationApi() != ObservationApi.VERSION) {
      throw new IllegalArgumentException("plugin " + p.name() + " " + p.version() + " was written for observation API "
          + p.observationApi() + ", this tdxsim has " + ObservationApi.VERSION);
    }
  }

  private void checkClashes() {
    List<String> seen = new ArrayList<>();
    for (DesignChange<?> o : options()) {
      if (DesignOption.parse(o.name()) != null || seen.contains(o.name())) {
        throw new IllegalArgumentException("design option " + o.name() + " of plugin " + pluginOf(o.name())
            + " is defined twice (built-in or another plugin)");
      }
      seen.add(o.name());
    }
    for (UserInvariant i : invariants()) {
      if (Invariant.byId(i.id()).isPresent() || seen.contains(i.id())) {
        throw new IllegalArgumentException("invariant " + i.id() + " is defined twice (built-in or another plugin)");
      }
      seen.add(i.id());
    }
  }
}
