package tdxsim.stress.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.schedule.Decision;

class TraceFileTest {
  static final String MODEL = "fixture-model-1";

  @TempDir Path dir;

  static Trace sample(Violation v) {
    return new Trace(
        "0.1.0",
        MODEL,
        new Trace.Scenario("lost-update", "builtin:lost-update"),
        List.of("split-under-shared-lock"),
        "pct",
        -7,
        3,
        Long.MIN_VALUE + 5,
        new Budget(1000, Duration.ofSeconds(2)),
        List.of(new Decision("table", 1, "fast", "Get"), new Decision("fast", 1, "table", "Value")),
        v,
        0xfedcba9876543210L);
  }

  @Test
  void aTraceSurvivesTheRoundTripExactly() {
    Violation v = new Violation("table.lost-update", "counter at 1", List.of("table", "fast"), List.of(0x200L, -1L));
    for (Trace t : List.of(sample(v), sample(null))) {
      Path f = dir.resolve("t.json");
      TraceFile.write(f, t);
      assertEquals(t, TraceFile.read(f, MODEL));
    }
  }

  @Test
  void writingLeavesNoTemporaryFileBehindAndReplacesAnOldTrace() throws IOException {
    Path f = dir.resolve("sub/trace.json");
    TraceFile.write(f, sample(null));
    TraceFile.write(f, sample(Violation.of("x", "y")));
    try (var files = Files.list(f.getParent())) {
      assertEquals(List.of(f), files.toList());
    }
    assertEquals("x", TraceFile.read(f, MODEL).violation().invariant());
  }

  @Test
  void aTraceOfAnotherModelVersionIsRefused() {
    Path f = dir.resolve("t.json");
    TraceFile.write(f, sample(null));
    var e = assertThrows(TraceFormatException.class, () -> TraceFile.read(f, "fixture-model-2"));
    assertEquals(
        "trace " + f + " was written for model version fixture-model-1, but this is model version fixture-model-2",
        e.getMessage());
  }

  @Test
  void malformedJsonIsRefusedWithItsPosition() throws IOException {
    Path f = dir.resolve("t.json");
    Files.writeString(f, "{\n  \"format\": 1,\n  \"toolVersion\": \n}");
    var e = assertThrows(TraceFormatException.class, () -> TraceFile.read(f, MODEL));
    assertTrue(e.getMessage().startsWith("trace " + f + ": malformed JSON at line 4"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void aMissingOrMistypedFieldIsRefusedByItsPath() throws IOException {
    Path f = dir.resolve("t.json");
    TraceFile.write(f, sample(null));
    String good = Files.readString(f);

    Files.writeString(f, good.replace("\"sender\": \"table\", ", ""));
    assertEquals(
        "trace " + f + ": missing field 'decisions[1].sender'",
        assertThrows(TraceFormatException.class, () -> TraceFile.read(f, MODEL)).getMessage());

    Files.writeString(f, good.replace("\"runSeed\": -7", "\"runSeed\": \"-7\""));
    assertEquals(
        "trace " + f + ": field 'runSeed' is not a 64-bit integer",
        assertThrows(TraceFormatException.class, () -> TraceFile.read(f, MODEL)).getMessage());

    Files.writeString(f, good.replace("0xfedcba9876543210", "fedcba"));
    assertTrue(
        assertThrows(TraceFormatException.class, () -> TraceFile.read(f, MODEL))
            .getMessage()
            .endsWith("'finalStateHash' is not a hex string like \"0x1f\""));

    Files.writeString(f, "[]");
    assertEquals(
        "trace " + f + ": top level is not a JSON object",
        assertThrows(TraceFormatException.class, () -> TraceFile.read(f, MODEL)).getMessage());
  }

  @Test
  void aMissingFileIsRefused() {
    Path f = dir.resolve("nope.json");
    assertEquals(
        "trace " + f + ": no such file",
        assertThrows(TraceFormatException.class, () -> TraceFile.read(f, MODEL)).getMessage());
  }
}
