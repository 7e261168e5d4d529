package tdxsim.stress.report;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Predicate;
import tdxsim.actors.gmem.GuestMemfd;
import tdxsim.actors.vm.Vm;
import tdxsim.actors.vm.Vmm;
import tdxsim.stress.io.AtomicFiles;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.trace.Trace;

/** The race views of a TDX model trace, drawn the way {@code ./tdxsim report} draws them. */
public final class RaceViews {
  /** The TDX model's CPU contexts: the vCPUs, the VMM, guest_memfd, the IOMMU and userspace. */
  public static final Predicate<String> TDX_CPUS =
      name -> name.startsWith("vcpu-")
          || name.equals(Vmm.NAME)
          || name.equals(GuestMemfd.NAME)
          || name.equals(Vm.IOMMU)
          || name.equals(Vm.USERSPACE);

  /** Width of the race drawn in a test's failure message. */
  public static final int MESSAGE_WIDTH = 100;

  private RaceViews() {}

  /** The trace replayed and laid out in the TDX model's columns. */
  public static RaceDiagram diagram(String title, WorldFactory worlds, Trace trace) {
    RecordedRun run = RecordedRun.replay(worlds, trace);
    return RaceDiagram.of(title, run, ColumnPolicy.cpuContexts(TDX_CPUS), MessageFormatter.DEFAULT);
  }

  /**
   * A failing test's views: writes the HTML chart to {@code html} (best effort: a failure to write it is said in
   * the text) and returns the compact text diagram.
   */
  public static String forFailure(WorldFactory worlds, Trace trace, Path traceFile, Path html) {
    RaceDiagram d = diagram(traceFile.getFileName().toString(), worlds, trace);
    String text = TextDiagram.render(d, new TextDiagram.Options(false, StepRange.ALL, MESSAGE_WIDTH));
    try {
      AtomicFiles.writeString(html, HtmlChart.render(d, TextDiagram.render(d, TextDiagram.Options.FULL)));
      return "html: " + html + "\n" + text;
    } catch (UncheckedIOException e) {
      return "html: not written (" + e.getMessage() + ")\n" + text;
    }
  }
}
