package tdxsim.stress.report;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import tdxsim.actors.gmem.GuestMemfd;
import tdxsim.actors.vm.Vm;
import tdxsim.actors.vm.Vmm;
import tdxsim.stress.io.AtomicFiles;
import tdxsim.stress.minimize.RacingSteps;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.scenario.Scenario;
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

  /**
   * A TDX scenario's trace replayed and laid out in the model's columns, each step annotated with what it changed
   * (mmu_lock, invalidations, SPTEs, S-EPT entries), whether it is relevant to the violation and whether it races.
   */
  /** A replay and its drawing. */
  public record Drawn(RecordedRun run, RaceDiagram diagram) {}

  public static Drawn diagram(String title, Trace trace) {
    return diagram(title, trace, Worlds.scenarioOf(trace.scenario(), trace.options()));
  }

  /** As {@link #diagram(String, Trace)}, with the scenario (and plugins) the trace was made with. */
  public static Drawn diagram(String title, Trace trace, Scenario scenario) {
    StepRecorder recorder = new StepRecorder();
    RecordedRun run = RecordedRun.replay(new TdxWorldFactory(scenario.withPlugin(recorder.plugin())), trace);
    ColumnPolicy columns = ColumnPolicy.cpuContexts(TDX_CPUS);
    RaceDiagram d = RaceDiagram.of(title, run, columns, MessageFormatter.DEFAULT);
    Set<Long> racing = run.reproduced() && d.violation() != null
        ? RacingSteps.find(new TdxWorldFactory(scenario), trace, columns::columnOf) : Set.of();
    List<StepNote> notes = new ArrayList<>(d.rows().size());
    for (int i = 0; i < d.rows().size(); i++) {
      notes.add(StepNotes.of(d.rows().get(i), recorder.step(i), d.violation())
          .racing(racing.contains(d.rows().get(i).step())));
    }
    return new Drawn(run, d.withNotes(notes));
  }

  /**
   * A failing test's views: writes the HTML chart to {@code html} (best effort: a failure to write it is said in
   * the text) and returns the compact text diagram.
   */
  public static String forFailure(Scenario scenario, Trace trace, Path traceFile, Path html) {
    RaceDiagram d = diagram(traceFile.getFileName().toString(), trace, scenario).diagram();
    String text = TextDiagram.render(d, new TextDiagram.Options(false, StepRange.ALL, MESSAGE_WIDTH));
    try {
      AtomicFiles.writeString(html, HtmlChart.render(d, StepRange.ALL));
      return "html: " + html + "\n" + text;
    } catch (UncheckedIOException e) {
      return "html: not written (" + e.getMessage() + ")\n" + text;
    }
  }
}
