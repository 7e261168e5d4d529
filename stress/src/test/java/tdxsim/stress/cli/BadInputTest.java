package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input: exit 2, exactly one line on stderr that says what is wrong, nothing written. */
class BadInputTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "unknown subcommand-option   | explore --no-such-flag                    | --no-such-flag",
    "unknown strategy            | explore --strategy dfs                    | unknown strategy 'dfs'",
    "unknown scenario            | explore --scenario nope                   | nope",
    "unknown design option       | explore --option v9-magic                 | v9-magic",
    "bad duration                | explore --time-limit soon                 | not a duration",
    "non-positive schedules      | explore --schedules 0                     | --schedules must be positive",
    "missing trace               | replay /nonexistent/trace.json            | /nonexistent/trace.json",
    "a TD above MAX_VCPUS_PER_TD | stress --td-vcpus 577 --duration 1s       | MAX_VCPUS_PER_TD",
    "TD size for a scenario file | stress --scenario small --td-vcpus 8      | --td-vcpus",
  })
  void refusedInOneLine(String what, String args, String mentions) {
    CliRun run = CliRun.of(args.trim().split("\\s+"));
    assertEquals(Main.EXIT_BAD_INPUT, run.exit(), what + ": " + run.out() + run.err());
    String err = run.err().strip();
    assertEquals(1, err.lines().count(), what + ": not one line: " + err);
    assertTrue(err.contains(mentions.trim()), what + ": " + err);
  }

  @Test
  void aMalformedTraceIsRefusedAndAScenarioFileErrorNamesTheKey() throws Exception {
    Path trace = dir.resolve("t.json");
    Files.writeString(trace, "{ \"toolVersion\": ");
    CliRun replay = CliRun.of("replay", trace.toString());
    assertEquals(Main.EXIT_BAD_INPUT, replay.exit());
    assertEquals(1, replay.err().strip().lines().count(), replay.err());

    Path scenario = dir.resolve("s.conf");
    Files.writeString(scenario, "vcpus = x\nranges-2m = 1\n");
    CliRun explore = CliRun.of("explore", "--scenario", scenario.toString(), "--out", dir.toString());
    assertEquals(Main.EXIT_BAD_INPUT, explore.exit());
    assertTrue(explore.err().contains("vcpus"), explore.err());
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "explore wrote nothing on bad input");
    }
  }
}
