package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input: exit 2, exactly one line on stderr that says what is wrong, no stack trace, nothing written under a
 * final name. In the arguments, {@code @} is a scratch directory with a file {@code afile}, a directory
 * {@code adir}, a trace {@code ok.json} (verdict ok), {@code bad.json} (a violation) and scenario files.
 */
class BadInputTest {
  @TempDir static Path dir;

  @BeforeAll
  static void scratch() throws Exception {
    Files.writeString(dir.resolve("afile"), "x");
    Files.writeString(dir.resolve("secret"), "a cluster secret of 32 characters\n");
    Files.createDirectory(dir.resolve("adir"));
    Files.writeString(dir.resolve("huge.conf"), "vcpus = 1\nranges-2m = 4194304\n");
    Files.writeString(dir.resolve("nmi.conf"), "vcpus = 1\nranges-2m = 1\nvmm = [ { op = nmi, count = 2000000000 } ]\n");
    Files.writeString(dir.resolve("incl.conf"), "include \"small.conf\"\nvcpus = 1\nranges-2m = 1\n");
    Path traces = Files.createDirectory(dir.resolve("traces"));
    CliRun ok = CliRun.of("explore", "--scenario", "small", "--schedules", "1", "--out", traces.toString(), "--json");
    Files.copy(Path.of(new ObjectMapper().readTree(ok.lastLine()).get("trace").asText()), dir.resolve("ok.json"));
    CliRun bad = CliRun.of("explore", "--scenario", "small", "--option", "v1-folio-refcount", "--schedules", "50",
        "--out", traces.toString(), "--json");
    Files.copy(Path.of(new ObjectMapper().readTree(bad.lastLine()).get("trace").asText()), dir.resolve("bad.json"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "unknown subcommand-option   | explore --no-such-flag                    | --no-such-flag",
    "unknown strategy            | explore --strategy dfs                    | unknown strategy 'dfs'",
    "unknown scenario            | explore --scenario nope                   | nope",
    "unknown design option       | explore --option v9-magic                 | v9-magic",
    "bad duration                | explore --time-limit soon                 | not a duration",
    "zero time limit             | explore --time-limit 0s                   | is zero",
    "zero stress duration        | stress --duration 0                       | is zero",
    "non-positive schedules      | explore --schedules 0                     | --schedules must be positive",
    "bad seed                    | explore --seed 0xg                        | not a seed",
    "missing trace               | replay /nonexistent/trace.json            | /nonexistent/trace.json",
    "a directory as trace        | replay @/adir                             | is a directory",
    "a TD above MAX_VCPUS_PER_TD | stress --td-vcpus 577 --duration 1s       | MAX_VCPUS_PER_TD",
    "TD size for a scenario file | stress --scenario small --td-vcpus 8      | --td-vcpus",
    "options from generation 0   | stress --option mut-skip-track --option-from-generation 0 | must be positive",
    "from a generation, no option | stress --option-from-generation 3 --duration 1s | needs --option",
    "from a generation, a file   | stress --scenario small --option mut-skip-track --option-from-generation 2 | generated",
    "from generation not a number | stress --option-from-generation x        | --option-from-generation",
    "negative generations         | stress --generations -1                  | must be 0 or more",
    "generations of a file        | stress --scenario small --generations 2   | needs the generated scenario",
    "explore --out a file        | explore --out @/afile                     | is a file, not a directory",
    "explore --out under a file  | explore --out @/afile/sub                 | is a file, not a directory",
    "explore --out unwritable    | explore --out /proc/tdxsim-out            | cannot create directory",
    "stress --record a directory | stress --duration 1s --record @/adir      | is a directory",
    "stress --record under file  | stress --duration 1s --record @/afile/r.json | is a file, not a directory",
    "stress --record a device    | stress --duration 1s --record /dev/null   | not a regular file",
    "report --html a directory   | report @/ok.json --html @/adir            | is a directory",
    "minimize --out a directory  | minimize @/bad.json --out @/adir          | is a directory",
    "minimize --out unwritable   | minimize @/bad.json --out /proc/x/m.json  | cannot create directory",
    "ranges-2m beyond the model  | explore --scenario @/huge.conf            | ranges-2m",
    "a count beyond the model    | explore --scenario @/nmi.conf             | count",
    "HOCON include               | explore --scenario @/incl.conf            | include",
    "stress heap it cannot hold  | stress --vcpus 100000000 --duration 1s    | -Xmx",
    "worker without --join       | worker                                    | --join",
    "worker join port not a port | worker --join 127.0.0.1:x --secret-file @/afile | not a number",
    "cluster and local workers   | explore --cluster 127.0.0.1:2552 --workers 2 | --workers is per worker node",
    "cluster secret too short    | explore --cluster 127.0.0.1:2552 --secret-file @/afile | at least 16",
    "secret without a cluster    | explore --secret-file @/afile             | --secret-file is for --cluster",
    "cluster port out of range   | explore --cluster 127.0.0.1:70000         | not in 0..65535",
    "worker runs negative        | worker --join 127.0.0.1:2552 --runs -1    | --runs must be 0",
    "hunt cluster, local workers | hunt --cluster 127.0.0.1:2552 --workers 2 | --workers is per worker node",
    "hunt cluster, coverage      | hunt --cluster 127.0.0.1:2552 --secret-file @/secret --coverage @/c.json | --coverage is counted",
    "hunt cluster port no number | hunt --cluster 127.0.0.1:x                | not a number",
  })
  void refusedInOneLine(String what, String args, String mentions) throws Exception {
    List<String> before = listing();
    CliRun run = CliRun.of(args.trim().replace("@", dir.toString()).split("\\s+"));
    assertEquals(Main.EXIT_BAD_INPUT, run.exit(), what + ": " + run.out() + run.err());
    String err = run.err().strip();
    assertEquals(1, err.lines().count(), what + ": not one line: " + err);
    assertTrue(err.contains(mentions.trim()), what + ": " + err);
    assertTrue(err.startsWith("tdxsim " + args.trim().split(" ")[0] + ": "), what + ": " + err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), what + ": a stack trace: " + err);
    assertEquals(before, listing(), what + ": wrote something");
  }

  private static List<String> listing() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void withJsonTheLastLineOfStdoutIsTheError() throws Exception {
    CliRun run = CliRun.of("explore", "--json", "--schedules", "0");
    assertEquals(Main.EXIT_BAD_INPUT, run.exit());
    var error = new ObjectMapper().readTree(run.lastLine());
    assertTrue(error.get("error").asText().contains("--schedules must be positive"), run.out());
    assertEquals(2, error.get("exitCode").asInt());
    CliRun parse = CliRun.of("explore", "--json", "--time-limit", "0s");
    assertTrue(new ObjectMapper().readTree(parse.lastLine()).get("error").asText().contains("zero"), parse.out());
  }

  @Test
  void noPrefixIsDoubled() {
    CliRun top = CliRun.of();
    assertEquals(Main.EXIT_BAD_INPUT, top.exit());
    assertEquals("tdxsim: missing subcommand (try --help)", top.err().strip());
    CliRun unknown = CliRun.of("stress", "--option", "nope", "--duration", "1s");
    assertTrue(unknown.err().startsWith("tdxsim stress: ") && !unknown.err().contains("stress stress"),
        unknown.err());
  }

  @Test
  void aMalformedTraceIsRefusedAndAScenarioFileErrorNamesTheKey(@TempDir Path own) throws Exception {
    Path trace = own.resolve("t.json");
    Files.writeString(trace, "{ \"toolVersion\": ");
    CliRun replay = CliRun.of("replay", trace.toString());
    assertEquals(Main.EXIT_BAD_INPUT, replay.exit());
    assertEquals(1, replay.err().strip().lines().count(), replay.err());

    Path scenario = own.resolve("s.conf");
    Files.writeString(scenario, "vcpus = x\nranges-2m = 1\n");
    CliRun explore = CliRun.of("explore", "--scenario", scenario.toString(), "--out", own.toString());
    assertEquals(Main.EXIT_BAD_INPUT, explore.exit());
    assertTrue(explore.err().contains("vcpus"), explore.err());
    try (var files = Files.list(own)) {
      assertEquals(2, files.count(), "explore wrote nothing on bad input");
    }
  }
}
