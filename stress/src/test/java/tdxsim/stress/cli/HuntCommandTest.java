package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.stress.scenario.ScenarioLoader;

class HuntCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void aViolationWritesItsTraceAndWorldAndReplays() throws Exception {
    Path world = dir.resolve("world.conf");
    CliRun run = CliRun.of("hunt", "--option", "mut-no-retry-check", "--workers", "1", "--worlds", "100",
        "--out", dir.toString(), "--save-scenario", world.toString(), "--coverage", dir.resolve("c.json").toString(),
        "--json");
    assertEquals(Main.EXIT_VIOLATION, run.exit(), run.toString());
    JsonNode s = JSON.readTree(run.lastLine());
    assertEquals("violation", s.get("verdict").asText());
    Path trace = Path.of(s.get("trace").asText());
    assertTrue(Files.isRegularFile(trace));
    ScenarioLoader.load(world.toString()); // the saved world is a scenario
    assertTrue(JSON.readTree(dir.resolve("c.json").toFile()).get("reached").size() > 0);
    CliRun replay = CliRun.of("replay", trace.toString());
    assertEquals(Main.EXIT_OK, replay.exit(), replay.toString());
  }

  @Test
  void catalogueHuntHasARowForTheBaselineAndEachSelectedOption() throws Exception {
    CliRun run = CliRun.of("catalogue", "--hunt", "--only", "M7", "--seeds", "1", "--time-limit", "1s", "--json");
    assertEquals(Main.EXIT_OK, run.exit(), run.toString());
    JsonNode rows = JSON.readTree(run.lastLine()).get("rows");
    assertEquals(4, rows.size(), run.lastLine()); // the v3 baseline and mut-skip-block, -track, -kick
    assertEquals("v3 baseline", rows.get(0).get("label").asText());
    assertTrue(run.out().contains("| M7 | mut-skip-kick |"), run.out());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    for (String[] args : new String[][] {{"hunt", "--option", "no-such"}, {"hunt", "--worlds", "0"},
        {"hunt", "--skip", "no.such-invariant"}, {"hunt", "--strategy", "dfs"}, {"hunt", "--workers", "0"}}) {
      CliRun run = CliRun.of(args);
      assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.toString());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertFalse(run.out().contains("hunted"), run.out());
    }
  }
}
