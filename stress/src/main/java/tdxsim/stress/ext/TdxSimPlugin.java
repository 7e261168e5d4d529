package tdxsim.stress.ext;

import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.ObservationApi;

/**
 * A user's extension of the model: design options (named changes of one actor's behaviour, switched on with
 * {@code --option NAME} or a test's {@code options}) and invariants (checked on every run while the plugin is
 * installed, like the built-in ones).
 *
 * <p>Installed by {@link java.util.ServiceLoader}: a jar naming the class in
 * {@code META-INF/services/tdxsim.stress.ext.TdxSimPlugin}, on the test classpath or on the command line's
 * ({@code ./tdxsim --plugin JAR ...} or {@code TDXSIM_CLASSPATH}); or from a test, {@code exploration.plugin(p)}.
 * Traces record every plugin in effect by name and version ({@code plugin:NAME@VERSION} among the options), and
 * {@code replay} refuses a trace whose plugin is missing, in one line naming it.
 *
 * <p>The model's own options and invariants are one such plugin ({@link ModelPlugin}, always in effect).
 *
 * <p>A plugin is written against one version of the observation records ({@link ObservationApi#VERSION}); one
 * built against another version is refused when it is installed.
 */
public interface TdxSimPlugin {
  /** A short name, unique among plugins ({@code [a-z0-9.-]+}). */
  String name();

  /** Its version; a trace names it, and is refused under another. */
  String version();

  /** The design options it adds (their names must not clash with built-in or other plugins' options). */
  default List<DesignChange<?>> options() {
    return List.of();
  }

  /** Its option named {@code name}, if it has one (by {@link DesignChange#name()}; a plugin may accept aliases). */
  default Optional<DesignChange<?>> option(String name) {
    return options().stream().filter(o -> o.name().equals(name)).findFirst();
  }

  /** The invariants it adds (ids must not clash with the built-in ones). */
  default List<UserInvariant> invariants() {
    return List.of();
  }

  /** The observation API it was written against. */
  default int observationApi() {
    return ObservationApi.VERSION;
  }

  /** A plugin made in code: {@code TdxSimPlugin.builder("acme", "1").option(...).invariant(...).build()}. */
  static PluginBuilder builder(String name, String version) {
    return new PluginBuilder(name, version);
  }
}
