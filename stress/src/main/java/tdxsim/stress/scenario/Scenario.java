package tdxsim.stress.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.options.DesignOption;
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
   * This scenario with the given {@code --option} names added (CLI names such as {@code v1-folio-refcount}, or
   * enum constant names). An unknown name is refused with one line listing the known ones.
   */
  public Scenario withOptions(Collection<String> optionNames) {
    if (optionNames.isEmpty()) return this;
    Set<DesignOption> opts = config().options().isEmpty()
        ? EnumSet.noneOf(DesignOption.class) : EnumSet.copyOf(config().options());
    List<String> builtIn = new ArrayList<>();
    Extensions ext = extensions;
    for (String n : optionNames) {
      String o = n.trim();
      if (o.startsWith(Extensions.ENTRY)) {
        requirePlugin(o);
      } else if (DesignOption.parse(o) == null && extensions.option(o).isPresent()) {
        ext = ext.choose(o);
      } else {
        builtIn.add(o);
      }
    }
    opts.addAll(parseOptions(builtIn));
    return new Scenario(name, source, text, tds.stream().map(c -> c.withOptions(opts)).toList(), bounds, ext);
  }

  private void requirePlugin(String entry) {
    try {
      extensions.require(entry);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(e.getMessage());
    }
  }

  /** Parses design option names; unknown ones are a {@link ScenarioException}. */
  public static Set<DesignOption> parseOptions(Collection<String> names) {
    Set<DesignOption> out = new LinkedHashSet<>();
    for (String n : names) {
      DesignOption o = DesignOption.parse(n.trim());
      if (o == null) {
        throw new ScenarioException("option " + n + ": unknown design option (known: " + knownOptions() + ")");
      }
      out.add(o);
    }
    return out;
  }

  static String knownOptions() {
    StringBuilder sb = new StringBuilder();
    for (DesignOption o : DesignOption.values()) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(o.cliName());
    }
    for (DesignChange<?> o : Extensions.installed().options()) sb.append(", ").append(o.name());
    return sb.toString();
  }
}
