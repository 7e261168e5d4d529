package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A found violation is never lost: when the trace cannot be written after the run (here a file-size limit, which
 * fails the write with EFBIG as a full device fails it with ENOSPC), the verdict, the seeds and the command that
 * finds the schedule again are printed, stderr has one line, the exit code is 2, and no file is left behind.
 * That command, run with room to write, finds the same violation.
 */
class LostResultTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aViolationWhoseTraceCannotBeWrittenIsPrintedWithWhatFindsItAgain() throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    CliRun run;
    try (CliProcess p = CliProcess.start(dir, 4, "explore", "--scenario", "small", "--option", "v1-folio-refcount",
        "--schedules", "50", "--seed", "0x10", "--out", out.toString(), "--json")) {
      run = p.finish();
    }
    assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.toString());
    String err = run.err().lines().filter(l -> !l.startsWith("  ")).reduce("", (a, b) -> a + b + "\n").strip();
    assertEquals(1, err.lines().count(), "one line besides progress: " + run.err());
    assertTrue(err.startsWith("tdxsim explore: cannot write ") && err.contains("File too large"), err);
    assertFalse(run.err().contains("\tat "), "a stack trace: " + run.err());
    JsonNode s = JSON.readTree(run.lastLine());
    assertEquals("violation", s.get("verdict").asText());
    String scheduleSeed = s.get("scheduleSeed").asText();
    assertTrue(run.out().contains("verdict: VIOLATION in schedule " + s.get("scheduleIndex").asLong() + " (seed "
        + scheduleSeed + ")"), run.out());
    assertTrue(run.out().contains("schedule seed " + scheduleSeed), run.out());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(0, files.count(), "nothing under a final name, no temporary left");
    }

    String again = run.out().lines().filter(l -> l.startsWith("  ./tdxsim explore ")).findFirst().orElseThrow();
    String[] args = again.strip().replace(" --out DIR", "").substring("./tdxsim ".length()).split(" ");
    String[] withOut = Stream.concat(Stream.of(args), Stream.of("--out", out.toString(), "--json"))
        .toArray(String[]::new);
    CliRun rerun = CliRun.of(withOut);
    assertEquals(Main.EXIT_VIOLATION, rerun.exit(), rerun.toString());
    JsonNode r = JSON.readTree(rerun.lastLine());
    assertEquals(scheduleSeed, r.get("scheduleSeed").asText());
    assertEquals(s.get("finalStateHash").asText(), r.get("finalStateHash").asText());
    assertTrue(Files.isRegularFile(Path.of(r.get("trace").asText())));
  }
}
