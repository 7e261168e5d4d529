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
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.parallel.StressWorlds;
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
    return diagram(title, trace, StressWorlds.scenarioOf(trace.scenario(), trace.options()));
  }

  /** As {@link #diagram(String, Trace)}, with the scenario (and plugins) the trace was made with. */
  public static Drawn diagram(String title, Trace trace, Scenario scenario) {
    StepRecorder recorder = new StepRecorder();
    RecordedRun run = RecordedRun.replay(new TdxWorldFactory(scenario.withPlugin(recorder.plugin())), trace);
    RaceDiagram d = RaceDiagram.of(title, run, ColumnPolicy.cpuContexts(TDX_CPUS), MessageFormatter.DEFAULT);
    Set<Long> racing = run.reproduced() ? RacingSteps.find(new TdxWorldFactory(scenario), trace)
        : new java.util.TreeSet<>();
    List<StepNote> notes = new ArrayList<>(d.rows().size());
    for (int i = 0; i < d.rows().size(); i++) notes.add(StepNotes.of(d.rows().get(i), recorder.step(i), d.violation()));
    if (d.violation() != null) racing.addAll(handOvers(d, notes));
    for (int i = 0; i < notes.size(); i++) {
      StepNote n = notes.get(i);
      notes.set(i, n.racing(n.relevant() && racing.contains(d.rows().get(i).step())));
    }
    return new Drawn(run, d.withNotes(notes));
  }

  /**
   * Where a shared actor (mmu_lock, a TDP MMU shard, the TDX module) passes from one CPU context to another, both
   * steps touching the violation (its gfns' 2M range, mmu_lock, its actors): the conflicting accesses of the race.
   */
  private static Set<Long> handOvers(RaceDiagram d, List<StepNote> notes) {
    Set<Long> out = new java.util.TreeSet<>();
    java.util.Map<String, Integer> last = new java.util.HashMap<>();
    for (int i = 0; i < d.rows().size(); i++) {
      RaceDiagram.Row r = d.rows().get(i);
      String shared = d.cpuContexts().contains(r.decision().receiver()) ? r.decision().sender()
          : r.decision().receiver();
      boolean cpuColumn = d.cpuContexts().contains(d.columns().get(r.column()));
      if (d.cpuContexts().contains(shared) || !cpuColumn || !notes.get(i).relevant()) continue;
      Integer p = last.put(shared, i);
      if (p != null && d.rows().get(p).column() != r.column()) {
        out.add(d.rows().get(p).step());
        out.add(r.step());
      }
    }
    return out;
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
