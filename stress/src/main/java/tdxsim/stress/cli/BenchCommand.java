package tdxsim.stress.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tdxsim.stress.bench.RuntimeBench;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
      "Runtime benchmark: deterministic vs multi-threaded ping-pong, world set-up, scheduling overhead.",
      "Figures are medians over rounds, all measured in this one process."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Option(names = "--rounds", defaultValue = "9", description = "Rounds (medians are taken). Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Override
  public Integer call() throws Exception {
    if (rounds <= 0) throw new BadInput("--rounds must be positive, got " + rounds);
    PrintStream out = System.out;
    RuntimeBench.Figures f = RuntimeBench.run(rounds, System.err);
    RuntimeBench.print(f, rounds, out);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "bench");
    summary.put("rounds", rounds);
    summary.put("deterministicDeliveriesPerSecond", f.deterministicPerSecond());
    summary.put("parallelDeliveriesPerSecond", f.parallelPerSecond());
    summary.put("ratio", f.ratio());
    summary.put("worldSetupMicros", f.worldSetupMicros());
    summary.put("overheadNanosPerDelivery", f.overheadNanosPerDelivery());
    out.flush();
    json.print(spec.commandLine().getOut(), summary);
    return Main.EXIT_OK;
  }
}
