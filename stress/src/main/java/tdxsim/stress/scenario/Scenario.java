package tdxsim.stress.scenario;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vm.VmConfig;

/**
 * A loaded scenario: the VM to simulate, the liveness bounds its checker uses, and where it came from.
 *
 * @param name the scenario's name (the {@code name} key, else the file's base name)
 * @param source what the user named: a built-in's file name ({@code small.conf}) or the path given
 * @param config the VM, with the file's design options
 * @param bounds liveness bounds for the invariant checker ({@code bounds} section, else the defaults)
 */
public record Scenario(String name, String source, VmConfig config, Bounds bounds) {

  /**
   * This scenario with the given {@code --option} names added (CLI names such as {@code v1-folio-refcount}, or
   * enum constant names). An unknown name is refused with one line listing the known ones.
   */
  public Scenario withOptions(Collection<String> optionNames) {
    if (optionNames.isEmpty()) return this;
    Set<DesignOption> opts = config.options().isEmpty()
        ? EnumSet.noneOf(DesignOption.class) : EnumSet.copyOf(config.options());
    opts.addAll(parseOptions(optionNames));
    return new Scenario(name, source, config.withOptions(opts), bounds);
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
    return sb.toString();
  }
}
