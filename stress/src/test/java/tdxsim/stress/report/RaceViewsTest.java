package tdxsim.stress.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.cli.CliRun;
import tdxsim.stress.schedule.Decision;

/** The README's R5 race as a person reads it: 80 columns, nothing of the race folded, racing steps marked. */
class RaceViewsTest {
  @TempDir static Path dir;
  static Path trace;

  @BeforeAll
  static void explore() {
    CliRun r = CliRun.of("explore", "--scenario", "race-r5", "--option", "mut-no-retry-check", "--strategy", "pct",
        "--workers", "1", "--out", dir.toString());
    assertEquals(1, r.exit(), r.err());
    trace = dir.resolve("explore-race-r5-pct-seed1-violation.json");
  }

  @Test
  void theTextFitsEightyColumnsAndKeepsTheLockAndTheGfn() {
    CliRun r = CliRun.of("report", trace.toString());
    assertEquals(0, r.exit(), r.err());
    for (String line : r.out().lines().toList()) assertTrue(line.length() <= 80, line);
    // the punch hole's write lock and invalidate_begin (folded away before) are on the page
    assertTrue(r.out().contains("-> mmu-lock: Acquire owner=guest-memfd"), r.out());
    assertTrue(r.out().contains("-> mmu-lock: InvalidateBegin"), r.out());
    assertFalse(r.out().contains(" more\n"), "nothing folded: every step touches the gfn's range or the lock");
    assertTrue(r.out().lines().anyMatch(l -> l.matches(" *\\d+\\* .*mmu-lock.*")), "a racing lock step: " + r.out());
    assertTrue(r.out().contains("* racing: "), r.out());
  }

  /**
   * On the minimized race, exactly the orders a kernel engineer names: guest_memfd's write lock for
   * invalidate_begin against the fault's read lock (where is_page_fault_stale would recheck the sequence) and
   * against the fault's mmu_invalidate_seq snapshot (before kvm_gmem_get_pfn, which the punch hole's
   * filemap_invalidate_lock would hold back). Nothing else: the build, the SEAMCALLs, the TDP MMU walk keep the
   * violation in either order.
   */
  @Test
  void theRacingStepsOfTheMinimizedR5AreTheWriteLockAgainstTheFaultsSnapshotAndReadLock() {
    Path min = dir.resolve("r5-min.json");
    CliRun m = CliRun.of("minimize", trace.toString(), "--out", min.toString());
    assertEquals(0, m.exit(), m.err());
    RaceDiagram d = RaceViews.diagram("r5", tdxsim.stress.trace.TraceFile.read(min,
        tdxsim.actors.vm.ModelVersion.VERSION)).diagram();
    List<String> racing = new ArrayList<>();
    for (int i = 0; i < d.rows().size(); i++) {
      if (d.note(i).racing()) racing.add(d.rows().get(i).decision().sender() + ": " + d.rows().get(i).message());
    }
    assertEquals(3, racing.size(), racing.toString());
    assertTrue(racing.get(0).startsWith("vcpu-0: ReadInvalidateSeq"), racing.toString());
    assertTrue(racing.get(1).startsWith("guest-memfd: Acquire owner=guest-memfd EXCLUSIVE"), racing.toString());
    assertTrue(racing.get(2).startsWith("vcpu-0: Acquire owner=vcpu-0 SHARED"), racing.toString());
    long snapshot = d.rows().stream().filter(r -> r.message().startsWith("ReadInvalidateSeq")).findFirst()
        .orElseThrow().step();
    assertTrue(d.note((int) snapshot - 1).racing(), "the fault's first snapshot, not a later one");
  }

  @Test
  void theHtmlHonoursSteps() throws Exception {
    Path html = dir.resolve("part.html");
    CliRun r = CliRun.of("report", trace.toString(), "--steps", "10-20", "--html", html.toString());
    assertEquals(0, r.exit(), r.err());
    String page = Files.readString(html);
    assertTrue(page.contains("id=\"step-10\"") && page.contains("id=\"step-20\""));
    assertFalse(page.contains("id=\"step-9\"") || page.contains("id=\"step-21\""));
  }

  @Test
  void longMessagesAreFoldedUnderOneMegabyteToo() {
    List<RaceDiagram.Row> rows = new ArrayList<>();
    List<StepNote> notes = new ArrayList<>();
    String leafs = "LeafList leafs=[" + "Leaf(gfn=0x100000 PG_LEVEL_4K pfn=0x100000), ".repeat(60) + "]";
    for (int i = 1; i <= 1000; i++) {
      rows.add(new RaceDiagram.Row(i, 0, "<- tdp-mmu-0: " + leafs, new Decision("vcpu-0", i, "tdp-mmu-0", "LeafList"),
          leafs));
      notes.add(new StepNote(List.of(), List.of(), true, false));
    }
    RaceDiagram d = new RaceDiagram("long", "facts", "replayed", List.of("vcpu-0"), List.of("vcpu-0", "tdp-mmu-0"),
        List.of("vcpu-0"), rows, Violation.of("x.y", "broken"), notes);
    String html = HtmlChart.render(d, StepRange.ALL);
    assertTrue(html.length() > 500_000 && html.length() < 1_000_000, "bytes: " + html.length());
    assertTrue(html.contains("id=\"step-1000\""), "the violating step is drawn");
    assertFalse(html.contains("id=\"step-1\""), "the earliest steps are folded");
  }

  @Test
  void aHugeRunIsFoldedUnderOneMegabyte() {
    List<RaceDiagram.Row> rows = new ArrayList<>();
    List<StepNote> notes = new ArrayList<>();
    for (int i = 1; i <= 100_000; i++) {
      String cpu = "vcpu-" + (i % 8);
      Decision d = new Decision(cpu, i, "tdx-module", "SeamcallResult");
      rows.add(new RaceDiagram.Row(i, i % 8, "<- tdx-module: SeamcallResult TDH_MEM_PAGE_AUG gfn=0x" + i, d,
          "SeamcallResult TDH_MEM_PAGE_AUG gfn=0x" + Integer.toHexString(i) + " PG_LEVEL_4K TDX_SUCCESS"));
      notes.add(new StepNote(List.of("S-EPT 4K 0x" + Integer.toHexString(i) + " FREE -> PENDING"),
          List.of(List.of("S", "4K 0x" + Integer.toHexString(i), "PENDING")), i > 99_990, false));
    }
    List<String> actors = new ArrayList<>();
    for (int c = 0; c < 8; c++) actors.add("vcpu-" + c);
    List<String> all = new ArrayList<>(actors);
    all.add("tdx-module");
    RaceDiagram d = new RaceDiagram("huge", "facts", "replayed", actors, all, actors, rows,
        Violation.of("x.y", "broken"), notes);
    String html = HtmlChart.render(d, StepRange.ALL);
    assertTrue(html.length() < 1_000_000, "bytes: " + html.length());
    assertTrue(html.contains("steps unrelated to the violation folded"));
    assertTrue(html.contains("id=\"step-100000\""), "the violating step is drawn");
  }
}
