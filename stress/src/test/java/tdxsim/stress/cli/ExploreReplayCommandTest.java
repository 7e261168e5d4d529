package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract: verdicts, exit codes, the same hash for the same seed, and replay of the trace. */
class ExploreReplayCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private JsonNode explore() throws Exception {
    return explore(7);
  }

  private JsonNode explore(long seed, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("explore", "--scenario", "default", "--schedules", "3", "--seed",
        Long.toString(seed), "--out", dir.toString(), "--json"));
    args.addAll(List.of(more));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(Main.EXIT_OK, run.exit(), run.err());
    return JSON.readTree(run.lastLine());
  }

  @Test
  void expectedViolationsAreCountedAndOneThatNeverFiresFailsTheRun() throws Exception {
    CliRun past = CliRun.of("explore", "--scenario", "wbinvd-fails", "--schedules", "5", "--out", dir.toString(),
        "--json");
    assertEquals(Main.EXIT_OK, past.exit(), past.out() + past.err());
    JsonNode p = JSON.readTree(past.lastLine());
    assertEquals("ok", p.get("verdict").asText());
    assertEquals(5, p.get("expectedViolations").get("kvm.bug-on").asLong());
    Path vacuous = dir.resolve("vacuous.conf");
    Files.writeString(vacuous, "vcpus = 1\nranges-2m = 1\nworkloads = [ [ { op = accept, at = r0, pages = 512 } ] ]\n"
        + "expect-violations = [kvm.bug-on]\n");
    CliRun none = CliRun.of("explore", "--scenario", vacuous.toString(), "--schedules", "2", "--out", dir.toString(),
        "--json");
    assertEquals(Main.EXIT_VIOLATION, none.exit(), none.out() + none.err());
    assertEquals("expected-violation-missing", JSON.readTree(none.lastLine()).get("verdict").asText());
    assertTrue(none.out().contains("NEVER FIRED: kvm.bug-on"), none.out());
  }

  @Test
  void theDefaultScenarioTwiceWithTheSameSeedGivesTheSameHashAndItsTraceReplaysExactly() throws Exception {
    JsonNode first = explore();
    JsonNode second = explore();
    assertEquals("ok", first.get("verdict").asText());
    assertEquals(3, first.get("schedules").asLong());
    assertEquals(first.get("finalStateHash").asText(), second.get("finalStateHash").asText());
    assertEquals(first.get("deliveries").asLong(), second.get("deliveries").asLong());

    Path trace = Path.of(first.get("trace").asText());
    assertTrue(Files.isRegularFile(trace));
    CliRun replay = CliRun.of("replay", trace.toString(), "--json");
    assertEquals(Main.EXIT_OK, replay.exit(), replay.out() + replay.err());
    JsonNode r = JSON.readTree(replay.lastLine());
    assertEquals("REPRODUCED", r.get("outcome").asText());
    assertEquals(first.get("finalStateHash").asText(), r.get("finalStateHash").asText());
  }

  @Test
  void aCleanRunStatesWhatItCoveredAndPctsMissBoundInTheJson() throws Exception {
    assertEquals("conflict", explore().get("coverage").get("strategy").asText()); // the default
    JsonNode c = explore(7, "--strategy", "pct").get("coverage");
    assertEquals("pct", c.get("strategy").asText());
    assertEquals(3, c.get("pctDepth").asInt());
    assertEquals(3, c.get("schedules").asLong());
    int n = c.get("chains").asInt();
    long k = c.get("choiceSteps").asLong();
    assertTrue(n > 1 && k > 1, c.toString());
    assertEquals(Math.pow(1 - 1.0 / (n * (double) k * k), 3), c.get("missBound").asDouble(), 1e-12, c.toString());
    CliRun random = CliRun.of("explore", "--scenario", "small", "--strategy", "random", "--schedules", "2",
        "--out", dir.toString(), "--json");
    assertTrue(random.out().contains("covered: 2 schedules, "), random.out());
    assertTrue(JSON.readTree(random.lastLine()).get("coverage").get("missBound").isNull(), random.lastLine());
  }

  @Test
  void anotherSeedExploresOtherSchedules() throws Exception {
    JsonNode a = explore();
    JsonNode b = explore(8);
    assertTrue(a.get("deliveries").asLong() != b.get("deliveries").asLong()
        || !a.get("finalStateHash").asText().equals(b.get("finalStateHash").asText()),
        "seeds 7 and 8 explored the same schedules");
  }

  @Test
  void everyFlowTheIssueNamesIsExercisedAndCountedInTheJsonSummary() throws Exception {
    JsonNode flows = explore().get("flows");
    for (String flow : new String[] {"aug.2m", "aug.4k", "demote", "remove.4k", "conversions", "punch_holes",
        "fault.retries", "block", "track"}) {
      assertTrue(flows.get(flow).asLong() > 0, flow + " was not exercised: " + flows);
    }
  }

  /** Issue 15: the README's worked race on the scenario meant to exercise every flow, with no --strategy given. */
  @Test
  void theDefaultStrategyFindsTheWorkedRaceOnTheDefaultScenario() throws Exception {
    CliRun run = CliRun.of("explore", "--option", "mut-no-retry-check", "--schedules", "100", "--seed", "1",
        "--workers", "1", "--time-limit", "10m", "--out", dir.toString(), "--json");
    assertEquals(Main.EXIT_VIOLATION, run.exit(), run.out() + run.err());
    JsonNode s = JSON.readTree(run.lastLine());
    assertEquals("default", s.get("scenario").asText(), run.lastLine());
    assertEquals("mmu.no-install-during-invalidation", s.get("violation").get("invariant").asText());
  }

  @Test
  void aViolationExitsOneAndWritesAReplayableTrace() throws Exception {
    CliRun run = CliRun.of("explore", "--scenario", "small", "--option", "v1-folio-refcount", "--schedules", "50",
        "--out", dir.toString(), "--json");
    assertEquals(Main.EXIT_VIOLATION, run.exit(), run.out() + run.err());
    JsonNode s = JSON.readTree(run.lastLine());
    assertEquals("violation", s.get("verdict").asText());
    String invariant = s.get("violation").get("invariant").asText();
    assertFalse(invariant.isEmpty());
    CliRun replay = CliRun.of("replay", s.get("trace").asText());
    assertEquals(Main.EXIT_OK, replay.exit(), replay.out() + replay.err());
    assertTrue(replay.out().contains(invariant), replay.out());
  }

  @Test
  void aRecordOfAParallelRunReplaysThroughTheSameCommandAndYieldsATrace() throws Exception {
    Path record = dir.resolve("race.json");
    CliRun stress = CliRun.of("stress", "--scenario", "race-r3", "--option", "mut-skip-block", "--duration", "20s",
        "--record", record.toString());
    assertEquals(Main.EXIT_VIOLATION, stress.exit(), stress.out() + stress.err());
    CliRun replay = CliRun.of("replay", record.toString(), "--json");
    assertEquals(Main.EXIT_OK, replay.exit(), replay.out() + replay.err());
    JsonNode r = JSON.readTree(replay.lastLine());
    assertEquals("REPRODUCED", r.get("outcome").asText());
    assertEquals("violation", r.get("verdict").asText());
    CliRun traceReplay = CliRun.of("replay", r.get("trace").asText());
    assertEquals(Main.EXIT_OK, traceReplay.exit(), traceReplay.out() + traceReplay.err());
    assertTrue(traceReplay.out().contains("tdx.demote-blocked-tracked"), traceReplay.out());
  }
}
