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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tdxsim.stress.catalogue.Catalogue;
import tdxsim.stress.catalogue.Comparison;
import tdxsim.stress.catalogue.ComparisonReport;
import tdxsim.stress.catalogue.ComparisonRun;
import tdxsim.stress.catalogue.ComparisonTable;
import tdxsim.stress.catalogue.Summaries;
import tdxsim.stress.catalogue.Table;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.strategy.StrategyKind;

/**
 * {@code ./tdxsim compare [ID ...]}: the catalogue's design comparisons, each as a side-by-side table (one column
 * per variant) over the same schedules, so that a debate from the list (failable notifiers, v1 vs v3 ACCEPT
 * levels, folio refcounts) reads as figures.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Run the catalogue's design comparisons side by side: one column per",
      "variant, the same schedules for each. Rows: verdict, invariant fired,",
      "schedules to the first violation, violating schedules, checker counters",
      "(means per schedule).",
      "Exit 0: done (violations are findings here, not failures); 2: bad input."
    })
final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;
  @Mixin CatalogueCommand.CatalogueFile catalogueFile;

  @Parameters(paramLabel = "ID", arity = "0..*", description = "Comparisons to run (default: all; see --list).")
  List<String> ids = new ArrayList<>();

  @Option(names = "--schedules", paramLabel = "N", defaultValue = "100",
      description = "Schedules per variant (all of them run, even after a violation). Default: ${DEFAULT-VALUE}.")
  long schedules;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Run seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--strategy", paramLabel = "random|pct|pos|pctcp|conflict", defaultValue = "pct",
      description = "Exploration strategy. Default: ${DEFAULT-VALUE}.")
  String strategy;

  @Mixin MaxStepsOption maxStepsOption;

  @Option(names = "--markdown", description = "Print the tables as markdown.")
  boolean markdown;

  @Option(names = "--list", description = "List the comparisons and exit.")
  boolean list;

  @Override
  public Integer call() {
    if (schedules <= 0) throw new BadInput("--schedules must be positive, got " + schedules);
    long maxSteps = maxStepsOption.value();
    StrategyKind kind = CatalogueCommand.parseStrategies(List.of(strategy)).get(0);
    Catalogue catalogue = catalogueFile.load();
    List<Comparison> chosen = choose(catalogue);
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      for (Comparison c : catalogue.comparisons()) out.println(c.id() + "  " + c.title());
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("command", "compare");
      summary.put("comparisons", catalogue.comparisons().stream().map(Comparison::id).toList());
      json.print(out, summary);
      return Main.EXIT_OK;
    }
    PrintWriter err = spec.commandLine().getErr();
    List<ComparisonReport> reports = new ArrayList<>();
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-compare")) {
      ComparisonRun run = new ComparisonRun(system, kind, seed, schedules, Budget.steps(maxSteps), line -> {
        err.println("  " + line);
        err.flush();
      });
      for (Comparison c : chosen) {
        ComparisonReport r = run.run(c);
        reports.add(r);
        print(out, r);
      }
    }
    json.print(out, Summaries.compare(reports));
    return Main.EXIT_OK;
  }

  private List<Comparison> choose(Catalogue catalogue) {
    if (ids.isEmpty()) return catalogue.comparisons();
    List<Comparison> out = new ArrayList<>();
    for (String id : ids) {
      out.add(catalogue.comparison(id).orElseThrow(() -> new BadInput("no comparison " + id + " in the catalogue"
          + " (known: " + String.join(", ", catalogue.comparisons().stream().map(Comparison::id).toList()) + ")")));
    }
    return out;
  }

  private void print(PrintWriter out, ComparisonReport r) {
    Table t = ComparisonTable.of(r);
    if (markdown) {
      out.println("### " + ComparisonTable.title(r));
      out.println();
      out.println(ComparisonTable.runLine(r) + ".");
    } else {
      out.println(ComparisonTable.title(r));
      out.println("  " + ComparisonTable.runLine(r));
    }
    out.println();
    out.print(markdown ? t.markdown() : t.text());
    out.println();
    out.flush();
  }
}
