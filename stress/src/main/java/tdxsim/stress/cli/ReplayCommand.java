package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.parallel.HostReplay;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordFile;
import tdxsim.stress.record.RecordFormatException;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceJson;
import tdxsim.stress.trace.WorldHash;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-execute a trace on the deterministic runtime, decision by decision, or a record of a parallel run",
      "(stress --record) in each actor's recorded receive order.",
      "Exit 0: same verdict and final-state hash; 1: diverged (the first differing step is named); 2: bad input."
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Parameters(paramLabel = "TRACE|RECORD", description = "A trace (explore, minimize) or a record (stress --record).")
  Path file;

  @Override
  public Integer call() {
    if (RecordFile.isRecord(file)) return replayRecord();
    Trace trace = TraceInput.read(file);
    ReplayReport report = Replayer.replay(TraceInput.world(trace), trace);
    PrintWriter out = spec.commandLine().getOut();
    out.println("replay " + file + ": " + trace.decisions().size() + " decisions, scenario "
        + trace.scenario().name() + ", strategy " + trace.strategy() + ", seed " + trace.runSeed());
    out.println(report.summary());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "replay");
    summary.put("trace", file.toString());
    summary.put("outcome", report.outcome().name());
    summary.put("reproduced", report.reproduced());
    summary.put("steps", report.result().steps());
    summary.put("verdict", report.result().ok() ? "ok" : "violation");
    summary.put("finalStateHash", TraceJson.hex(WorldHash.of(trace, report.result().stateHash())));
    summary.put("divergedAtStep", report.divergence() == null ? null : report.divergence().step());
    json.print(out, summary);
    return report.reproduced() ? Main.EXIT_OK : Main.EXIT_VIOLATION;
  }

  /** A parallel run's receive orders, replayed on one thread; a violation also yields a trace beside the record. */
  private int replayRecord() {
    Record record;
    try {
      record = RecordFile.read(file, ModelVersion.VERSION);
    } catch (RecordFormatException e) {
      throw new BadInput(e.getMessage(), e);
    }
    RecordReplayReport report = HostReplay.replay(record); // a host TD by TD
    PrintWriter out = spec.commandLine().getOut();
    out.println("replay record " + file + ": scenario " + record.scenario().name());
    out.println(report.summary());
    Path trace = null;
    if (report.trace() != null) {
      trace = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.json$", "") + "-trace.json");
      TraceFile.write(trace, report.trace());
      out.println("trace of the violation: " + trace + "   (./tdxsim minimize " + trace + ")");
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "replay");
    summary.put("record", file.toString());
    summary.put("outcome", report.outcome().name());
    summary.put("reproduced", report.reproduced());
    summary.put("deliveries", report.replayed());
    summary.put("verdict", report.verdict() == null ? "ok" : "violation");
    summary.put("trace", trace == null ? null : trace.toString());
    json.print(out, summary);
    return report.reproduced() ? Main.EXIT_OK : Main.EXIT_VIOLATION;
  }
}
