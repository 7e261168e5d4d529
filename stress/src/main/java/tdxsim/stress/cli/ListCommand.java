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
import tdxsim.stress.ext.DesignChange;
import tdxsim.stress.ext.Extensions;
import tdxsim.stress.ext.ModelPlugin;
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
    Extensions ext = Extensions.installed();
    Map<String, String> options = new LinkedHashMap<>();
    for (DesignChange<?> o : ext.options()) options.put(o.name(), describe(ext, o.name(), o.actor(), o.description()));
    Map<String, String> invariants = new LinkedHashMap<>();
    for (UserInvariant i : ext.invariants()) invariants.put(i.id(), describe(ext, i.id(), null, i.description()));

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

  /**
   * One registry entry: the model's as its own description says ("mutation 7: ... [source]"), a plugin's after
   * "plugin NAME VERSION" and the actor it changes.
   */
  private static String describe(Extensions ext, String name, String actor, String description) {
    String plugin = ext.pluginOf(name);
    if (plugin.startsWith(ModelPlugin.NAME + " ")) return description;
    return "plugin " + plugin + (actor == null ? "" : ", changes " + actor) + ": " + description;
  }

  private static void section(PrintWriter out, String title, Map<String, String> rows) {
    out.println(title + ":");
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
    rows.forEach((name, what) -> out.printf("  %-" + width + "s  %s%n", name, what));
    out.println();
  }
}
