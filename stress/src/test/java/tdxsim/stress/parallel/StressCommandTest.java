package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.cli.Main;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordFile;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.trace.TraceJson;

/** {@code ./tdxsim stress}: small and short here; the big runs are StressBench's. */
class StressCommandTest {
  private record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      String[] lines = out.strip().split("\n");
      return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
  }

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void generatedScenarioRunsForItsDurationWithProgress() throws Exception {
    // how much runs in 1.5 s depends on the machine's load: only that it stops by the clock, with progress
    Run r = run("stress", "--vcpus", "16", "--td-vcpus", "8", "--duration", "1500ms", "--threads", "2", "--json");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("M msg/s"), "a progress line every second: " + r.err());
    assertEquals("DURATION", r.json().get("stoppedBy").asText());
    assertEquals("ok", r.json().get("verdict").asText());
  }

  @Test
  void generatedScenarioRunsItsGenerationsWithASummary() throws Exception {
    // two whole generations, however long they take: the summary's content does not depend on the machine's speed
    Run r = run("stress", "--vcpus", "16", "--td-vcpus", "8", "--generations", "2", "--duration", "10m",
        "--threads", "2", "--json");
    assertEquals(0, r.exit(), r.out() + r.err());
    for (String s : List.of("faults:", "fault latency", "flows:", "SEAMCALLs:", "checks: on", "memory:",
        "verdict: ok")) {
      assertTrue(r.out().contains(s), s + " in " + r.out());
    }
    JsonNode j = r.json();
    assertEquals("stress", j.get("command").asText());
    assertEquals(16, j.get("vcpus").asInt());
    assertEquals(2, j.get("tds").asInt());
    assertEquals(2, j.get("tdsRunnable").asInt(), "both TDs were built and ran");
    assertTrue(r.out().contains("TDs: 2 of 2 built"), r.out());
    assertEquals("QUIESCENT", j.get("stoppedBy").asText(), "the last generation's end, not the clock");
    assertEquals(2, j.get("generations").asInt());
    assertEquals("ok", j.get("verdict").asText());
    assertTrue(j.get("messages").asLong() > 0);
    assertTrue(j.get("faults").asLong() >= 16, "every vCPU faults its range in");
    assertTrue(j.get("faultLatencyMicros").get("p99").asDouble() > 0);
    assertTrue(j.get("seamcalls").has("TDH.MEM.PAGE.AUG TDX_SUCCESS"));
  }

  @Test
  void aViolationStopsTheRunAndLeavesACompleteRecordAndItsTrace(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("race.json");
    Run r = run("stress", "--scenario", "default", "--option", "failable-notifier", "--duration", "30s", "--record",
        file.toString(), "--json");
    assertEquals(1, r.exit(), r.out() + r.err());
    JsonNode j = r.json();
    assertEquals("VIOLATION", j.get("stoppedBy").asText());
    assertEquals("gmem.conversion-all-or-nothing", j.get("violation").get("invariant").asText());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("race-trace.json", "race.json"), files.map(p -> p.getFileName().toString()).sorted()
          .toList(), "the record and the trace, no temporary file");
    }
    assertTrue(RecordFile.isRecord(file));
    Record rec = RecordFile.read(file, ModelVersion.VERSION);
    assertEquals("VIOLATION", rec.stoppedBy());
    assertEquals(j.get("finalStateHash").asText(), TraceJson.hex(rec.finalStateHash()));
    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
    assertTrue(rep.reproduced(), rep.summary());

    Path tracePath = dir.resolve("race-trace.json");
    assertFalse(RecordFile.isRecord(tracePath));
    Trace trace = TraceFile.read(tracePath, ModelVersion.VERSION);
    ReplayReport again = Replayer.replay(Worlds.forTrace(trace), trace);
    assertTrue(again.reproduced(), again.summary());
  }

  @Test
  void aRecordingGeneratedRunReplays(@TempDir Path dir) {
    Path file = dir.resolve("run.json");
    Run r = run("stress", "--vcpus", "8", "--duration", "300ms", "--threads", "2", "--record", file.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    Record rec = RecordFile.read(file, ModelVersion.VERSION);
    assertEquals(8, rec.vcpus());
    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
    assertTrue(rep.reproduced(), rep.summary());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    for (String[] args : List.of(
        new String[] {"stress", "--vcpus", "0"},
        new String[] {"stress", "--scenario", "default", "--vcpus", "4"},
        new String[] {"stress", "--scenario", "no-such-scenario"},
        new String[] {"stress", "--option", "no-such-option"},
        new String[] {"stress", "--checks", "maybe"},
        new String[] {"stress", "--duration", "soon"})) {
      Run r = run(args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.out() + r.err());
      assertEquals(1, r.err().strip().split("\n").length, r.err());
    }
  }
}
