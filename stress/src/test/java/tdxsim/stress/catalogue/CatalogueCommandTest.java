package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.stress.cli.CliRun;

/**
 * {@code ./tdxsim catalogue} on tiny budgets: the tables, the README section, the JSON line, the exit codes. The
 * figures themselves are the command's output, never asserted.
 */
class CatalogueCommandTest {
  private static final String[] TINY = {"--seeds", "2", "--strategies", "pct,random", "--max-schedules", "5",
      "--baseline-schedules", "3", "--minimize-attempts", "20"};

  @TempDir Path dir;

  /** catalogue with the tiny budgets; an option in {@code more} replaces the tiny one of the same name. */
  private static String[] args(String... more) {
    java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("catalogue"));
    java.util.List<String> extra = java.util.List.of(more);
    for (int i = 0; i < TINY.length; i += 2) {
      if (!extra.contains(TINY[i])) a.addAll(java.util.List.of(TINY[i], TINY[i + 1]));
    }
    a.addAll(extra);
    return a.toArray(String[]::new);
  }

  @Test
  void aTinyRunPrintsTheTablesUpdatesTheReadmeAndHolds() throws Exception {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "# x\n" + ReadmeSection.BEGIN + "\nstale\n" + ReadmeSection.END + "\ntail\n");
    CliRun r = CliRun.of(args("--only", "R8", "--readme", readme.toString(), "--json"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("R8  race-r8   v1-folio-refcount"), r.out());
    assertTrue(r.out().contains("2/2, 1, "), r.out());
    assertTrue(r.out().contains("clean over 3 schedules"), r.out());
    assertTrue(r.out().contains("catalogue holds"), r.out());
    assertTrue(r.err().contains("R8 v1-folio-refcount on race-r8, pct: found by 2/2 seeds"), r.err());
    assertTrue(r.lastLine().startsWith("{\"command\":\"catalogue\",\"holds\":true"), r.lastLine());
    String text = Files.readString(readme);
    assertTrue(text.startsWith("# x\n" + ReadmeSection.BEGIN + "\nPer strategy: "), text);
    assertTrue(text.contains("| R8 | Folio refcount vs in-place conversion | race-r8 | v1-folio-refcount |"), text);
    assertTrue(text.endsWith(ReadmeSection.END + "\ntail\n"), text);
    assertTrue(!text.contains("stale"), text);
  }

  @Test
  void markdownGoesToStdout() {
    CliRun r = CliRun.of(args("--only", "R8", "--markdown", "--baseline-schedules", "0", "--minimize-attempts", "0"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("| id | what | scenario | options | expected | pct | random | fired | minimized |"),
        r.out());
    assertTrue(r.out().contains("| n/a |"), "no minimization asked: " + r.out());
  }

  @Test
  void aTargetCaughtByAnUnlistedInvariantMeansTheCatalogueDoesNotHold() throws Exception {
    Path cat = dir.resolve("c.conf");
    Files.writeString(cat, "races = [ { id = R8, title = t, source = s, scenario = small, baseline = clean,"
        + " exposed-by = [ { options = [v1-folio-refcount], invariant = \"kvm.bug-on\" } ] } ]");
    CliRun r = CliRun.of(args("--catalogue", cat.toString(), "--baseline-schedules", "0", "--json"));
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.out().contains("!gmem.failed-conversion-no-zap"), r.out());
    assertTrue(r.out().contains("catalogue does NOT hold: R8 v1-folio-refcount on small fired unlisted"), r.out());
    assertTrue(r.lastLine().contains("\"holds\":false"), r.lastLine());
  }

  @Test
  void badInputIsOneLineAndExitTwoBeforeAnythingRuns() throws Exception {
    Path noMarkers = dir.resolve("plain.md");
    Files.writeString(noMarkers, "# no markers\n");
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "races = [ { id = R1 } ]");
    assertBad("tdxsim catalogue: " + noMarkers + ": no " + ReadmeSection.BEGIN, "--readme", noMarkers.toString());
    assertEquals("# no markers\n", Files.readString(noMarkers));
    assertBad("tdxsim catalogue: catalogue " + bad + ": races[0].baseline: missing", "--catalogue", bad.toString());
    assertBad("tdxsim catalogue: --only: no race or mutation R99", "--only", "R99");
    assertBad("tdxsim catalogue: --strategies: unknown strategy 'dfs'", "--strategies", "pct,dfs");
    assertBad("tdxsim catalogue: --seeds must be positive", "--seeds", "0");
  }

  private static void assertBad(String expectedStart, String... extra) {
    CliRun r = CliRun.of(args(extra));
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith(expectedStart), r.err());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
    assertEquals("", r.out());
  }

  @Test
  void helpExitsZero() {
    CliRun r = CliRun.of("catalogue", "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("--baseline-schedules"), r.out());
  }
}
