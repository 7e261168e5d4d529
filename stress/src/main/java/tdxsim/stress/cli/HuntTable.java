package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.util.List;
import tdxsim.stress.catalogue.CatalogueException;
import tdxsim.stress.catalogue.ReadmeSection;
import tdxsim.stress.hunt.HuntBenchmark;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.StrategyKind;

/** {@code ./tdxsim catalogue --hunt}: the {@link HuntBenchmark} table, printed and (with --readme) written. */
final class HuntTable {
  static final String BEGIN = "<!-- hunt:begin -->";
  static final String END = "<!-- hunt:end -->";

  private final CatalogueCommand c;

  HuntTable(CatalogueCommand c) {
    this.c = c;
  }

  int run() {
    if (c.seeds <= 0) throw new BadInput("--seeds must be positive, got " + c.seeds);
    if (c.workers <= 0) throw new BadInput("--workers must be positive, got " + c.workers);
    long maxSteps = c.maxStepsOption.value();
    if (c.timeLimit.isZero() || c.timeLimit.isNegative()) throw new BadInput("--time-limit must be positive");
    if (c.readme != null) {
      try {
        ReadmeSection.check(c.readme, BEGIN, END);
      } catch (CatalogueException e) {
        throw new BadInput(e.getMessage(), e);
      }
    }
    PrintWriter out = c.spec.commandLine().getOut();
    PrintWriter err = c.spec.commandLine().getErr();
    // --strategies names the hunt's strategy when given (its first); the hunt's own default otherwise
    StrategyKind kind = c.spec.commandLine().getParseResult().hasMatchedOption("--strategies")
        ? CatalogueCommand.parseStrategies(c.strategies).get(0) : StrategyKind.PCTCP;
    HuntBenchmark bench = new HuntBenchmark(kind, 8, c.timeLimit, c.workers, Budget.steps(maxSteps));
    tdxsim.stress.catalogue.Catalogue catalogue = c.catalogueFile.load();
    List<HuntBenchmark.Row> rows = bench.run(c.select(catalogue), catalogue, c.seeds, line -> {
      err.println("  " + line);
      err.flush();
    });
    String table = bench.markdown(rows, c.seeds);
    out.print(table);
    if (c.readme != null) {
      try {
        ReadmeSection.replace(c.readme, table, BEGIN, END);
      } catch (CatalogueException e) {
        throw new BadInput(e.getMessage(), e);
      }
      out.println("updated " + c.readme);
    }
    c.json.print(out, java.util.Map.of("command", "catalogue --hunt", "rows", rows));
    out.flush();
    return Main.EXIT_OK;
  }
}
