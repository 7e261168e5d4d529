package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No vacuous pass: a run the time limit cut short says so, in text and JSON, and {@code --require-all} makes CI
 * fail on it (exit 4). A default-scenario schedule takes far longer than the 1 ms limit, so exactly one runs.
 */
class TimeLimitTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private CliRun explore(String... extra) {
    String[] base = {"explore", "--scenario", "default", "--schedules", "1000000", "--time-limit", "1ms", "--workers", "1", "--out",
        dir.toString(), "--json"};
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
        .toArray(String[]::new);
    return CliRun.of(args);
  }

  @Test
  void aRunStoppedByTheTimeLimitSaysHowFarItGot() throws Exception {
    CliRun run = explore();
    assertEquals(Main.EXIT_OK, run.exit(), run.toString());
    // how many ran before 1 ms was up depends on the machine (none on a loaded one): the count is what is shown
    long ran = JSON.readTree(run.lastLine()).get("schedules").asLong();
    assertTrue(run.out().contains("stopped by the time limit after " + ran + " of 1000000 schedules"), run.out());
    assertTrue(run.out().contains("verdict: ok, no invariant broken in the schedules that ran"), run.out());
    JsonNode s = JSON.readTree(run.lastLine());
    assertFalse(s.get("complete").asBoolean());
    assertEquals("time-limit", s.get("stoppedBy").asText());
    assertTrue(s.get("schedules").asLong() < 1000000, run.out());
    assertEquals(1000000, s.get("schedulesPlanned").asLong());
  }

  @Test
  void requireAllTurnsAnIncompleteRunIntoExitFour() {
    CliRun run = explore("--require-all");
    assertEquals(Main.EXIT_INCOMPLETE, run.exit(), run.toString());
    CliRun complete = CliRun.of("explore", "--scenario", "small", "--schedules", "2", "--require-all", "--out",
        dir.toString());
    assertEquals(Main.EXIT_OK, complete.exit(), complete.toString());
    assertFalse(complete.out().contains("stopped by"), complete.out());
  }

  @Test
  void aSeedIsAcceptedInHexAsTheSummariesPrintIt() throws Exception {
    CliRun hex = CliRun.of("explore", "--scenario", "small", "--schedules", "1", "--seed", "0x10", "--out",
        dir.toString(), "--json");
    CliRun dec = CliRun.of("explore", "--scenario", "small", "--schedules", "1", "--seed", "16", "--out",
        dir.toString(), "--json");
    assertEquals(Main.EXIT_OK, hex.exit(), hex.toString());
    assertEquals(16, JSON.readTree(hex.lastLine()).get("seed").asLong());
    assertEquals(JSON.readTree(dec.lastLine()).get("finalStateHash"), JSON.readTree(hex.lastLine()).get("finalStateHash"));
    assertTrue(hex.out().contains("time limit 30s"), "durations as typed, not PT30S: " + hex.out());
  }
}
