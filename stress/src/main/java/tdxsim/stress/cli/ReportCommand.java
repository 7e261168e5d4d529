package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tdxsim.stress.io.AtomicFiles;
import tdxsim.stress.report.RaceViews;
import tdxsim.stress.report.HtmlChart;
import tdxsim.stress.report.RaceDiagram;
import tdxsim.stress.report.RecordedRun;
import tdxsim.stress.report.StepRange;
import tdxsim.stress.report.TextDiagram;
import tdxsim.stress.trace.Trace;

/**
 * {@code ./tdxsim report TRACE}: replays the trace and prints it as the list draws races, one column per CPU
 * context (the vCPUs, the VMM, guest_memfd, the IOMMU and userspace: the actors that run code of their own; the
 * TDX module and the TDP MMU show in the column of the CPU that called them), optionally as an HTML chart.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Draw a trace as the list draws races (one column per CPU), or as an HTML sequence chart.",
      "Exit 0: drawn, and the trace replayed exactly; 1: drawn, but the replay left the trace (the drawing shows "
          + "what ran); 2: bad input."
    })
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Parameters(paramLabel = "TRACE", description = "A trace written by explore, minimize or stress --record.")
  Path file;

  @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML sequence chart.")
  Path html;

  @Option(names = "--all", description = {"Every delivery (default: long runs in one column that touch neither the",
      "violated gfn's 2M range, mmu_lock nor the violation's actors, and do not race, are collapsed)."})
  boolean all;

  @Option(names = "--steps", paramLabel = "FROM-TO", converter = StepRangeConverter.class,
      description = "Only these steps, e.g. 120-160, 120-, -40, in the text and the HTML (the verdict is always shown).")
  StepRange steps = StepRange.ALL;

  @Option(names = "--width", paramLabel = "N", defaultValue = "80",
      description = "Line width of the text diagram. Default: ${DEFAULT-VALUE}.")
  int width;

  @Override
  public Integer call() {
    if (width < 40) throw new BadInput("--width must be at least 40, got " + width);
    Trace trace = TraceInput.read(file);
    if (html != null) OutputPlace.file("--html", html);
    RaceViews.Drawn drawn = RaceViews.diagram(file.getFileName().toString(), trace, TraceInput.scenario(trace));
    RecordedRun run = drawn.run();
    RaceDiagram d = drawn.diagram();
    PrintWriter out = spec.commandLine().getOut();
    out.print(TextDiagram.render(d, new TextDiagram.Options(all, steps, width)));
    if (html != null) {
      try {
        AtomicFiles.writeString(html, HtmlChart.render(d, steps));
      } catch (UncheckedIOException e) {
        out.flush();
        throw new BadInput(e.getMessage() + "; the text diagram is on stdout");
      }
      out.println("html: " + html);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "report");
    summary.put("trace", file.toString());
    summary.put("steps", d.rows().size());
    summary.put("columns", d.columns());
    summary.put("reproduced", run.reproduced());
    summary.put("replay", d.replay());
    summary.put("verdict", d.violation() == null ? "ok" : "violation");
    summary.put("invariant", d.violation() == null ? null : d.violation().invariant());
    summary.put("html", html == null ? null : html.toString());
    json.print(out, summary);
    out.flush();
    return run.reproduced() ? Main.EXIT_OK : Main.EXIT_VIOLATION;
  }

  /** {@code --steps}: a malformed range is a parameter error (one line, exit 2). */
  static final class StepRangeConverter implements CommandLine.ITypeConverter<StepRange> {
    @Override
    public StepRange convert(String value) {
      try {
        return StepRange.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
