package tdxsim.stress.minimize;

import tdxsim.stress.cli.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tdxsim minimize} on a real TDX trace: the small scenario with v1's folio refcounts, whose conversion
 * fails after zapping (gmem.failed-conversion-no-zap) in the first PCT schedule.
 */
class MinimizeCommandTest {
  @TempDir Path dir;

  private Path explore(String... option) throws Exception {
    String[] args = option.length == 0
        ? new String[] {"explore", "--scenario", "small", "--schedules", "1", "--out", dir.toString()}
        : new String[] {"explore", "--scenario", "small", "--option", option[0], "--schedules", "20", "--out",
          dir.toString()};
    CliRun r = CliRun.of(args);
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("explore-")).findFirst().orElseThrow(
          () -> new AssertionError("explore wrote no trace: " + r));
    }
  }

  @Test
  void aViolatingTraceIsMinimizedNextToTheOriginalAndReplays() throws Exception {
    Path trace = explore("v1-folio-refcount");
    Assumptions.assumeTrue(trace.toString().endsWith("-violation.json"), "the model no longer breaks an invariant");
    CliRun r = CliRun.of("minimize", trace.toString(), "--max-attempts", "150", "--json");
    assertEquals(0, r.exit(), r.toString());
    Path min = Path.of(trace.toString().replace(".json", ".min.json"));
    assertTrue(Files.isRegularFile(min));
    assertTrue(r.out().contains("\nminimized "), r.out());
    assertTrue(r.out().contains("trace: " + min + "   (./tdxsim replay " + min), r.out());
    assertTrue(r.lastLine().startsWith("{\"command\":\"minimize\""), r.lastLine());
    assertTrue(r.lastLine().contains("\"reproduced\":true"), r.lastLine());
    assertTrue(r.err().contains(" attempts, "), "progress on stderr: " + r.err());

    CliRun replay = CliRun.of("replay", min.toString());
    assertEquals(0, replay.exit(), replay.toString());

    Path out = dir.resolve("sub/explicit.json");
    CliRun again = CliRun.of("minimize", min.toString(), "--out", out.toString(), "--max-attempts", "5");
    assertEquals(0, again.exit(), again.toString());
    assertTrue(Files.isRegularFile(out));
  }

  @Test
  void anOkTraceIsRefusedWithOneLineAndExitTwo() throws Exception {
    Path ok = explore();
    Assumptions.assumeTrue(ok.toString().endsWith("-ok.json"), "the small scenario broke an invariant");
    CliRun r = CliRun.of("minimize", ok.toString());
    assertEquals(2, r.exit(), r.toString());
    assertEquals("tdxsim minimize: trace " + ok + " records no violation (verdict ok): there is nothing to minimize",
        r.err().strip());
  }

  @Test
  void aMalformedOrMissingTraceIsBadInput() throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"format\": 1");
    CliRun r = CliRun.of("minimize", bad.toString());
    assertEquals(2, r.exit(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("tdxsim minimize: trace " + bad + ": malformed JSON"), r.err());
    CliRun missing = CliRun.of("minimize", dir.resolve("nope.json").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }
}
