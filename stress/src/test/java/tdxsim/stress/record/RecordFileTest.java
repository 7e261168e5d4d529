package tdxsim.stress.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;

/** The record file: round trip, atomic write, one-line errors, and telling a record from a trace. */
class RecordFileTest {
  static Record sample(Violation v) {
    ReceiveOrders orders = new ReceiveOrders(List.of("external", "timer", "(outside the world)", "world", "a", "b"),
        List.of(new ReceiveOrder("a", new long[] {ReceiveOrder.pack(3, 1), ReceiveOrder.pack(5, 1)},
                new long[] {100, 250}),
            new ReceiveOrder("b", new long[] {ReceiveOrder.pack(3, 2), ReceiveOrder.pack(4, 1), ReceiveOrder.pack(4, 2)},
                new long[] {90, 300, 301})));
    return new Record("tdxsim test", "model-1", new Trace.Scenario("s", "text \"quoted\"\nline"), List.of("opt"), 2, 7,
        2, 123_456, "DURATION", orders, v, 0xfedcba9876543210L);
  }

  @Test
  void roundTripsWithAndWithoutAViolation(@TempDir Path dir) {
    for (Violation v : new Violation[] {null, new Violation("inv.x", "detail", List.of("a"), List.of(0x200L))}) {
      Path f = dir.resolve("r.json");
      Record r = sample(v);
      RecordFile.write(f, r);
      assertEquals(r, RecordFile.read(f, "model-1"));
      assertEquals(5, RecordFile.read(f).deliveries());
      assertTrue(RecordFile.isRecord(f));
    }
  }

  @Test
  void writingReplacesAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.json");
    Files.writeString(f, "an older file");
    RecordFile.write(f, sample(null));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList());
    }
    assertEquals(sample(null), RecordFile.read(f));
  }

  @Test
  void aTraceIsNotARecordAndARecordIsNotATrace(@TempDir Path dir) {
    Path t = dir.resolve("t.json");
    TraceFile.write(t, new Trace("tdxsim test", "model-1", new Trace.Scenario("s", "x"), List.of(), "random", 1, 0, 1,
        Budget.DEFAULT, List.of(new Decision("a", 1, "world", "Go")), null, 5));
    assertFalse(RecordFile.isRecord(t));
    assertThrows(RecordFormatException.class, () -> RecordFile.read(t));
    assertFalse(RecordFile.isRecord(dir.resolve("missing.json")));
  }

  @Test
  void problemsAreOneLineNamingTheField(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.json");
    RecordFile.write(f, sample(null));
    String good = Files.readString(f);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    var noVcpus = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(good);
    noVcpus.remove("vcpus");
    var badCount = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(good);
    ((com.fasterxml.jackson.databind.node.ObjectNode) badCount.get("receives").get(1)).put("count", 4);
    var badSender = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(good);
    ((com.fasterxml.jackson.databind.node.ArrayNode) badSender.get("receives").get(0).get("order")).set(3, 9);
    String[][] cases = {
      {good.replace("\"model-1\"", "\"model-2\""), "model version model-2"},
      {json.writeValueAsString(noVcpus), "missing field 'vcpus'"},
      {json.writeValueAsString(badCount), "shorter than 3 x count"},
      {json.writeValueAsString(badSender), "out of range: 9"},
      {good.substring(0, good.length() / 2), "malformed JSON"},
      {"[]", "top level is not a JSON object"},
    };
    for (String[] c : cases) {
      Files.writeString(f, c[0]);
      RecordFormatException e = assertThrows(RecordFormatException.class, () -> RecordFile.read(f, "model-1"));
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    assertThrows(RecordFormatException.class, () -> RecordFile.read(dir.resolve("missing.json")));
  }
}
