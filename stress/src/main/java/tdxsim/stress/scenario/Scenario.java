package tdxsim.stress.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.ext.DesignChange;
import tdxsim.stress.ext.Extensions;
import tdxsim.stress.ext.TdxSimPlugin;

/**
 * A loaded scenario: the TDs to simulate (one for every file scenario; the generated stress scenario runs a host of
 * several), the liveness bounds their checkers use, and where it came from.
 *
 * @param name the scenario's name (the {@code name} key, else the file's base name)
 * @param source what the user named: a built-in's file name ({@code small.conf}) or the path given
 * @param text the text that was parsed (a trace stores it), or null for a scenario built in code
 * @param tds the TDs, each with the scenario's design options; actors {@code td-0/..} when there are several
 * @param bounds liveness bounds for each TD's invariant checker ({@code bounds} section, else the defaults)
 * @param extensions the plugins in effect and their options switched on ({@link Extensions#installed()} unless
 *     a test adds its own)
 */
public record Scenario(String name, String source, String text, List<VmConfig> tds, Bounds bounds,
    Extensions extensions) {
  public Scenario {
    tds = List.copyOf(tds);
    if (tds.isEmpty()) throw new IllegalArgumentException("a scenario runs at least one TD");
  }

  /** With the plugins installed on the class path. */
  public Scenario(String name, String source, List<VmConfig> tds, Bounds bounds) {
    this(name, source, null, tds, bounds, Extensions.installed());
  }

  /** With {@code plugin} in effect too (a test's own options and invariants). */
  public Scenario withPlugin(TdxSimPlugin plugin) {
    return new Scenario(name, source, text, tds, bounds, extensions.withPlugin(plugin));
  }

  /** A scenario of one TD. */
  public Scenario(String name, String source, VmConfig config, Bounds bounds) {
    this(name, source, List.of(config), bounds);
  }

  /** A scenario of one TD parsed from {@code text}. */
  public Scenario(String name, String source, String text, VmConfig config, Bounds bounds) {
    this(name, source, text, List.of(config), bounds, Extensions.installed());
  }

  /** The VM (of a host of several TDs: the first). */
  public VmConfig config() {
    return tds.get(0);
  }

  /** vCPUs over every TD. */
  public int vcpus() {
    int n = 0;
    for (VmConfig c : tds) n += c.vcpus();
    return n;
  }

  /**
   * This scenario with the given {@code --option} names added (a built-in's CLI name such as
   * {@code v1-folio-refcount}, enum constant name or alias, or a plugin's option), each looked up in the one registry
   * ({@link Extensions}) and applied to every TD. An unknown name is refused with one line listing the known ones.
   */
  public Scenario withOptions(Collection<String> optionNames) {
    if (optionNames.isEmpty()) return this;
    Extensions ext = extensions;
    List<String> added = new ArrayList<>();
    for (String n : optionNames) {
      String o = n.trim();
      if (o.startsWith(Extensions.ENTRY)) {
        requirePlugin(o);
        continue;
      }
      DesignChange<?> c = ext.option(o).orElseThrow(() -> new ScenarioException("option " + n
          + ": unknown design option (known: " + knownOptions() + ")"));
      ext = ext.choose(c.name());
      added.add(c.name());
    }
    Extensions chosen = ext;
    return new Scenario(name, source, text, tds.stream().map(c -> chosen.configure(c, added)).toList(), bounds, chosen);
  }

  private void requirePlugin(String entry) {
    require(extensions, entry);
  }

  /**
   * Checks a trace's {@code plugin:NAME@VERSION} entries against the installed plugins.
   *
   * @throws ScenarioException naming the first plugin missing or of another version
   */
  public static void requirePlugins(Collection<String> options) {
    for (String o : options) if (o.trim().startsWith(Extensions.ENTRY)) require(Extensions.installed(), o.trim());
  }

  private static void require(Extensions extensions, String entry) {
    try {
      extensions.require(entry);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(e.getMessage());
    }
  }

  /** Checks design option names against the installed plugins (the model's included); an unknown one is a
   * {@link ScenarioException}. */
  public static void checkOptions(Collection<String> names) {
    for (String n : names) {
      if (!n.trim().startsWith(Extensions.ENTRY) && Extensions.installed().option(n.trim()).isEmpty()) {
        throw new ScenarioException("option " + n + ": unknown design option (known: " + knownOptions() + ")");
      }
    }
  }

  /** The option names of the installed plugins, the model's first. */
  static String knownOptions() {
    return String.join(", ", Extensions.installed().options().stream().map(DesignChange::name).toList());
  }
}
