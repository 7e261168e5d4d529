package tdxsim.stress.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.trace.Trace;

class TextDiagramTest {
  static DeterministicSystem system;
  static RaceDiagram race;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("text-diagram-test");
    Trace min = ReportFixtures.minimizedRace(system);
    race = RaceDiagram.of("race.min.json", RecordedRun.replay(system, FixtureTraces.NOISY_RACE, min),
        ReportFixtures.VCPUS, MessageFormatter.DEFAULT);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static List<String> lines(String text) {
    return Arrays.asList(text.split("\n"));
  }

  @Test
  void theMinimizedRaceHasOneColumnPerVcpuAndOneRowPerDelivery() {
    List<String> ls = lines(TextDiagram.render(race, TextDiagram.Options.FULL));
    assertTrue(ls.get(0).startsWith("race.min.json: scenario noisy-race, strategy random, run seed 1"), ls.get(0));
    assertEquals("replayed exactly: 12 deliveries", ls.get(1));
    String header = ls.get(3);
    assertTrue(header.matches("step  vcpu-0 +vcpu-1"), header);
    int col0 = header.indexOf("vcpu-0");
    int col1 = header.indexOf("vcpu-1");
    assertTrue(ls.get(4).matches("---- +-+ +-+"), ls.get(4));
    // the rows, by column: what each vCPU did, in order
    String[][] expected = {
      {"1", "0", "<- world: Start"},
      {"2", "0", "Step left=0"},
      {"3", "1", "<- world: Start"},
      {"4", "1", "Step left=2"},
      {"5", "1", "Step left=1"},
      {"6", "1", "Step left=0"},
      {"7", "0", "-> table: Get gfn=0x200 PG_LEVEL_2M"},
      {"8", "0", "<- table: Value gfn=0x200 value=0"},
      {"9", "1", "-> table: Get gfn=0x200 PG_LEVEL_2M"},
      {"10", "0", "-> table: Put gfn=0x200 PG_LEVEL_2M value=1"},
      {"11", "1", "<- table: Value gfn=0x200 value=0"},
      {"12", "1", "-> table: Put gfn=0x200 PG_LEVEL_2M value=1"},
    };
    for (int i = 0; i < expected.length; i++) {
      String row = ls.get(5 + i);
      assertEquals(expected[i][0], row.substring(0, 4).trim(), row);
      int at = expected[i][1].equals("0") ? col0 : col1;
      assertEquals(expected[i][2], row.substring(at), row);
      assertTrue(row.substring(4, at).isBlank(), "only one cell per row: " + row);
    }
    assertEquals("", ls.get(17));
    assertEquals("!! violation after step 12: table.lost-update: two increments left the counter at 1 "
        + "[vcpu-0, vcpu-1] gfn 0x200", ls.get(18));
    assertEquals(19, ls.size());
  }

  @Test
  void aPassiveActorsOwnContinuationGetsAColumnOfItsOwnAfterTheCpus() {
    ColumnPolicy p = ReportFixtures.VCPUS;
    assertEquals("vcpu-0", p.columnOf(new Decision("vcpu-0", 1, "tdx-module", "SeamcallResult")));
    assertEquals("vcpu-1", p.columnOf(new Decision("tdx-module", 1, "vcpu-1", "TdhMemPageAug")));
    assertEquals("tdx-module", p.columnOf(new Decision("tdx-module", 2, "tdx-module", "Continue")));
    assertEquals("tdx-module", p.columnOf(new Decision("tdx-module", 2, "timer", "Tick")));
    assertEquals("vcpu-0", ColumnPolicy.perReceiver().columnOf(new Decision("vcpu-0", 1, "vcpu-1", "X")));
  }

  @Test
  void theNoisyOriginalKeepsEveryLineWithinTheWidthAndPutsTheCpusFirst() {
    Trace noisy = FixtureTraces.noisyRace(system);
    RaceDiagram d = RaceDiagram.of("race.json", RecordedRun.replay(system, FixtureTraces.NOISY_RACE, noisy),
        ReportFixtures.VCPUS, MessageFormatter.DEFAULT);
    assertEquals(List.of("vcpu-0", "vcpu-1"), d.columns().subList(0, 2));
    assertTrue(d.columns().containsAll(List.of("log", "noise-0", "noise-1", "noise-2")), d.columns().toString());
    String text = TextDiagram.render(d, TextDiagram.Options.FULL);
    for (String l : lines(text)) assertTrue(l.length() <= 160, l.length() + ": " + l);
    assertEquals(noisy.decisions().size(), lines(text).stream().filter(l -> l.matches(" *\\d+  .*")).count());
    String narrow = TextDiagram.render(d, new TextDiagram.Options(true, StepRange.ALL, 80));
    for (String l : lines(narrow)) assertTrue(l.length() <= 80, l.length() + ": " + l);
    List<String> ls = lines(narrow);
    String header = ls.stream().filter(l -> l.startsWith("step  ")).findFirst().orElseThrow();
    int log = header.indexOf("log");
    assertTrue(header.indexOf("vcpu-1") < 20, "the columns are narrowed: " + header);
    // a cell runs on over the (empty) columns to its right, and is cut only at the line's end
    assertTrue(ls.stream().anyMatch(l -> l.matches(" *\\d+  -> table: Get gfn=0x200 PG_LEVEL_2M")), narrow);
    assertTrue(ls.stream().anyMatch(l -> l.length() == 80 && l.endsWith("..") && l.indexOf("<- noise-") == log),
        narrow);
  }

  @Test
  void theCompactViewCollapsesALongRunInOneColumn() {
    Trace t = ReportFixtures.longRun(system);
    RaceDiagram d = RaceDiagram.of("long.json", RecordedRun.replay(system, ReportFixtures.LONG_RUN, t),
        ReportFixtures.VCPUS, MessageFormatter.DEFAULT);
    String full = TextDiagram.render(d, TextDiagram.Options.FULL);
    String compact = TextDiagram.render(d, TextDiagram.Options.COMPACT);
    assertTrue(full.contains("Step left=7"), full);
    assertTrue(!compact.contains("Step left=7"), compact);
    // vcpu-1's run: Start, Step 12..0, Get, Value, Put; the last 8 rows lead to the verdict and stay
    assertTrue(compact.matches("(?s).*\\n +\\.\\.\\. 5 more\\n.*"), compact);
    assertTrue(compact.contains("Step left=12") && compact.contains("Step left=6"), "the run's ends are kept");
    assertTrue(compact.contains("ok: no violation after step " + t.decisions().size()), compact);
    assertTrue(lines(compact).size() < lines(full).size());
  }

  @Test
  void aStepRangeShowsOnlyThoseSteps() {
    String text = TextDiagram.render(race, new TextDiagram.Options(true, StepRange.parse("7-9"), 160));
    List<String> rows = lines(text).stream().filter(l -> l.matches(" *\\d+  .*")).toList();
    assertEquals(3, rows.size(), text);
    assertTrue(rows.get(0).trim().startsWith("7 "));
    assertTrue(text.contains("!! violation after step 12"), "the verdict is always shown");
    assertEquals(new StepRange(12, Long.MAX_VALUE), StepRange.parse("12-"));
    assertEquals(new StepRange(1, 40), StepRange.parse("-40"));
    assertEquals(new StepRange(5, 5), StepRange.parse("5"));
  }
}
