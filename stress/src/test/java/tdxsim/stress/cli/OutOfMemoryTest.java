package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory and figures: an OutOfMemoryError on a pool thread ends the run with its summary and one line (exit 3), no
 * stack trace, and no record that would not replay; the heap figure is what the world holds, never negative; a
 * small run's rate is not "0.00 M msg/s".
 */
class OutOfMemoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aRecordThatOutgrowsItsMemoryEndsTheRunInOneLineWithoutAHalfRecord() throws Exception {
    CliRun run;
    // an OutOfMemoryError on a pool thread, injected (a recording run no longer outgrows its heap: each generation
    // starts a fresh record), where an actor's allocation would throw it
    try (CliProcess p = CliProcess.start(dir, 0, List.of("-Dtdxsim.fault.oom-at-task=20000"), "stress",
        "--vcpus", "64", "--duration", "100s", "--record", "r.json")) {
      run = p.finish();
    }
    assertEquals(Main.EXIT_INTERNAL_ERROR, run.exit(), run.out() + run.err());
    List<String> err = run.err().lines().filter(l -> !l.matches("^\\s+[0-9.]+ s .*")).toList();
    assertFalse(run.err().contains("\tat ") || run.err().contains("Exception in thread"), run.err());
    assertTrue(err.get(err.size() - 1).startsWith("tdxsim stress: out of memory ("), run.err());
    assertTrue(run.out().contains("verdict: ok"), "no summary: " + run.out());
    assertTrue(run.out().contains("not written: the heap ran out"), run.out());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "a file was left behind");
    }
  }

  @Test
  void theHeapHeldByTheWorldIsPositivePerVcpu() throws Exception {
    CliRun run = CliRun.of("stress", "--vcpus", "64", "--duration", "1s", "--json");
    assertEquals(Main.EXIT_OK, run.exit(), run.out() + run.err());
    JsonNode s = JSON.readTree(run.lastLine());
    assertTrue(s.get("heapBytesPerVcpu").asLong() > 1000, "heap per vCPU " + s.get("heapBytesPerVcpu"));
    assertFalse(run.out().contains("memory: -"), run.out());
    assertTrue(run.out().startsWith("stress: 64 vCPUs"), "the generated host is no scenario 'stress': " + run.out());
  }

  @Test
  void aSmallRunSaysItsRateInUnitsThatShowIt() {
    CliRun run = CliRun.of("stress", "--scenario", "small", "--duration", "5s");
    assertEquals(Main.EXIT_OK, run.exit(), run.out() + run.err());
    assertTrue(run.out().startsWith("stress small: "), run.out());
    assertFalse(run.out().contains(" 0.00 M "), run.out());
    assertTrue(run.out().matches("(?s).*messages, [0-9.,]+ (k )?msg/s.*"), run.out());
  }
}
