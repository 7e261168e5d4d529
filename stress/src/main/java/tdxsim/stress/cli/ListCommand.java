package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tdxsim.actors.invariants.Invariant;
import tdxsim.actors.options.DesignOption;
import tdxsim.stress.ext.DesignChange;
import tdxsim.stress.ext.Extensions;
import tdxsim.stress.ext.UserInvariant;
import tdxsim.stress.scenario.ScenarioLoader;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List the built-in scenarios, the design options and the invariants, one line each,",
        "with those of the plugins on the class path (./tdxsim --plugin JAR list, or TDXSIM_CLASSPATH)."})
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> scenarios = new LinkedHashMap<>();
    for (String s : ScenarioLoader.BUILT_INS) scenarios.put(s, ScenarioLoader.description(s));
    Map<String, String> options = new LinkedHashMap<>();
    for (DesignOption o : DesignOption.values()) options.put(o.cliName(), describe(o));
    Map<String, String> invariants = new LinkedHashMap<>();
    for (Invariant i : Invariant.values()) invariants.put(i.id(), i.description());
    Extensions ext = Extensions.installed();
    for (DesignChange<?> o : ext.options()) {
      options.put(o.name(), "plugin " + ext.pluginOf(o.name()) + ", changes " + o.actor() + ": " + o.description());
    }
    for (UserInvariant i : ext.invariants()) {
      invariants.put(i.id(), "plugin " + ext.pluginOf(i.id()) + ": " + i.description());
    }

    section(out, "scenarios (--scenario NAME)", scenarios);
    section(out, "design options and protocol mutations (--option NAME)", options);
    section(out, "invariants", invariants);

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "list");
    summary.put("scenarios", new ArrayList<>(scenarios.keySet()));
    summary.put("options", new ArrayList<>(options.keySet()));
    summary.put("invariants", List.copyOf(invariants.keySet()));
    summary.put("plugins", ext.traceEntries());
    json.print(out, summary);
    return Main.EXIT_OK;
  }

  /** "mutation 7: <description> [source]", with its aliases. */
  static String describe(DesignOption o) {
    String kind = o.kind() == DesignOption.Kind.MUTATION ? "mutation " + o.mutation() : o.kind().label();
    String alias = o.aliases().isEmpty() ? ""
        : " (alias " + String.join(", ", o.aliases()) + (o.mutation() > 0 ? " = mutation " + o.mutation() : "") + ")";
    return kind + ": " + o.description() + " [" + o.source() + "]" + alias;
  }

  private static void section(PrintWriter out, String title, Map<String, String> rows) {
    out.println(title + ":");
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
    rows.forEach((name, what) -> out.printf("  %-" + width + "s  %s%n", name, what));
    out.println();
  }
}
