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
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceJson;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-execute a trace on the deterministic runtime, decision by decision.",
      "Exit 0: same verdict and final-state hash; 1: diverged (the first differing step is named); 2: bad input."
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Parameters(paramLabel = "TRACE", description = "A trace written by explore, minimize or stress --record.")
  Path file;

  @Override
  public Integer call() {
    Trace trace = TraceInput.read(file);
    ReplayReport report = Replayer.replay(Worlds.fromTrace(trace), trace);
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
    summary.put("finalStateHash", TraceJson.hex(report.result().stateHash()));
    summary.put("divergedAtStep", report.divergence() == null ? null : report.divergence().step());
    json.print(out, summary);
    return report.reproduced() ? Main.EXIT_OK : Main.EXIT_VIOLATION;
  }
}
