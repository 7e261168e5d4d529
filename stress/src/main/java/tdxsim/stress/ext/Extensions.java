package tdxsim.stress.ext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.ObservationApi;
import tdxsim.actors.options.ActorPatch;
import tdxsim.actors.vm.VmConfig;

/**
 * The plugins in effect for a scenario and the options switched on: the one registry that the command line
 * ({@code --option}, {@code list}, {@code replay}), the scenario files and the JUnit extension share. The model's
 * own options and invariants are one plugin in it ({@link ModelPlugin}, always in effect, listed first); names are
 * unique across all plugins.
 *
 * @param plugins in effect: the model's first, then by name
 * @param chosen options switched on (their {@link DesignChange#name()}s), in the order given
 */
public record Extensions(List<TdxSimPlugin> plugins, List<String> chosen) {
  /** A trace's options entry naming a plugin: {@code plugin:NAME@VERSION}. */
  public static final String ENTRY = "plugin:";
  private static Extensions installed;

  public Extensions {
    plugins = plugins.stream().sorted(Comparator.comparing((TdxSimPlugin p) -> !isModel(p))
        .thenComparing(TdxSimPlugin::name)).toList();
    chosen = List.copyOf(chosen);
  }

  /** No plugin but the model's. */
  public static Extensions none() {
    return new Extensions(List.of(new ModelPlugin()), List.of());
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

  /** The option named {@code name} (or an alias a plugin accepts), if a plugin in effect has it. */
  public Optional<DesignChange<?>> option(String name) {
    for (TdxSimPlugin p : plugins) {
      Optional<DesignChange<?>> o = p.option(name);
      if (o.isPresent()) return o;
    }
    return Optional.empty();
  }

  /**
   * With the option {@code name} switched on (recorded by its own name, not an alias).
   *
   * @throws IllegalArgumentException if no plugin in effect has it
   */
  public Extensions choose(String name) {
    String n = option(name).orElseThrow(() -> new IllegalArgumentException("no plugin has design option " + name))
        .name();
    if (chosen.contains(n)) return this;
    List<String> l = new ArrayList<>(chosen);
    l.add(n);
    return new Extensions(plugins, l);
  }

  /** {@code config} as the chosen options {@code names} configure it (the built-ins: their flags set). */
  public VmConfig configure(VmConfig config, List<String> names) {
    VmConfig c = config;
    for (String n : names) c = option(n).orElseThrow().configure().apply(c);
    return c;
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

  /** Every option, over all plugins in effect (the model's first). */
  public List<DesignChange<?>> options() {
    return plugins.stream().<DesignChange<?>>flatMap(p -> p.options().stream()).toList();
  }

  /** Every invariant, over all plugins in effect (the model's first). */
  public List<UserInvariant> invariants() {
    return plugins.stream().flatMap(p -> p.invariants().stream()).toList();
  }

  /**
   * The invariants checked through {@link UserChecks}, on every run after the model's (which its
   * {@code InvariantChecker} checks; see {@link ModelPlugin}).
   */
  public List<UserInvariant> checked() {
    return plugins.stream().filter(p -> !isModel(p)).flatMap(p -> p.invariants().stream()).toList();
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

  /** What a trace records: {@code plugin:NAME@VERSION} for every plugin in effect but the model's. */
  public List<String> traceEntries() {
    return plugins.stream().filter(p -> !isModel(p)).map(p -> ENTRY + p.name() + "@" + p.version()).toList();
  }

  /** {@code options} with this trace's plugin entries first (replacing any it had). */
  public List<String> traceOptions(List<String> options) {
    List<String> l = new ArrayList<>(traceEntries());
    for (String o : options) if (!o.startsWith(ENTRY)) l.add(o);
    return l;
  }

  /** The chosen options as one change of the VM's actors. */
  public ActorPatch patch() {
    List<DesignChange<?>> changes = chosen.stream().<DesignChange<?>>map(n -> option(n).orElseThrow())
        .filter(DesignChange::changesBehaviour).toList();
    if (changes.isEmpty()) return ActorPatch.NONE;
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
    if (p.name().equals(ModelPlugin.NAME) && !isModel(p)) {
      throw new IllegalArgumentException("plugin name " + p.name() + " is the model's own");
    }
    if (p.version() == null || p.version().isBlank() || p.version().contains(" ")) {
      throw new IllegalArgumentException("plugin " + p.name() + ": version must be one word: " + p.version());
    }
    if (p.observationApi() != ObservationApi.VERSION) {
      throw new IllegalArgumentException("plugin " + p.name() + " " + p.version() + " was written for observation API "
          + p.observationApi() + ", this tdxsim has " + ObservationApi.VERSION);
    }
  }

  /** The model's own plugin ({@link ModelPlugin}), whatever instance {@link ServiceLoader} made. */
  static boolean isModel(TdxSimPlugin p) {
    return p instanceof ModelPlugin;
  }

  /** Every option and invariant name is one plugin's (by any name or alias another plugin accepts). */
  private void checkClashes() {
    List<String> seen = new ArrayList<>();
    for (TdxSimPlugin p : plugins) {
      for (DesignChange<?> o : p.options()) {
        if (seen.contains(o.name()) || plugins.stream().anyMatch(q -> q != p && q.option(o.name()).isPresent())) {
          throw new IllegalArgumentException("design option " + o.name() + " of plugin " + p.name()
              + " is defined twice (built-in or another plugin)");
        }
        seen.add(o.name());
      }
    }
    for (UserInvariant i : invariants()) {
      if (seen.contains(i.id())) {
        throw new IllegalArgumentException("invariant " + i.id() + " is defined twice (built-in or another plugin)");
      }
      seen.add(i.id());
    }
  }
}
