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
import tdxsim.stress.bench.ExploreBench;
import tdxsim.stress.bench.RuntimeBench;
import tdxsim.stress.bench.StressBench;
import tdxsim.stress.bench.StressReplayBench;
import tdxsim.stress.bench.WorkersBench;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
      "Runtime benchmark: deterministic vs multi-threaded ping-pong, world set-up, scheduling overhead.",
      "--stress: TDX stress messages/s at 1,000 and 10,000 vCPUs against as many Pekko actor pairs,",
      "one TD of 512 against the 1,000-vCPU host, heap per vCPU; record replay messages/s of a",
      "1,000-vCPU record against explore deliveries/s, record bytes per message, and the time from a",
      "mut-skip-track violation at 10,000 vCPUs (recorded for 60 s or until it) to its trace replayed;",
      "the speed-up from 1 pool thread to all cores, heap per vCPU (about 2 minutes per round).",
      "--workers: explore schedules/s on small with 1 and 2 deterministic systems, and the speed-up.",
      "--explore: schedules/s of explore on small, and its cost per delivery against default (one thread;",
      "run it under taskset -c 0 for a per-core figure; about 10 s per round).",
      "Figures are medians over rounds, all measured in this one process."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Option(names = "--rounds", description = "Rounds (medians are taken). Default: 9, --stress 3, --workers and --explore 5.")
  Integer rounds;

  @Option(names = "--stress", description = "Run the stress benchmark instead.")
  boolean stress;

  @Option(names = "--workers", description = "Run the explore --workers benchmark instead.")
  boolean workers;
  @Option(names = "--explore", description = "Run the exploration benchmark instead.")
  boolean explore;

  @Option(names = "--seconds", defaultValue = "15",
      description = "With --stress: seconds per stress run. Default: ${DEFAULT-VALUE}.")
  int seconds;

  @Override
  public Integer call() throws Exception {
    int rounds = this.rounds != null ? this.rounds : stress ? 3 : workers || explore ? 5 : 9;
    if (rounds <= 0) throw new BadInput("--rounds must be positive, got " + rounds);
    if (seconds <= 0) throw new BadInput("--seconds must be positive, got " + seconds);
    PrintStream out = System.out;
    if ((stress ? 1 : 0) + (workers ? 1 : 0) + (explore ? 1 : 0) > 1) {
      throw new BadInput("--stress, --workers and --explore are separate benchmarks: pick one");
    }
    if (stress) return stress(rounds, out);
    if (workers) return workers(rounds, out);
    if (explore) return explore(rounds, out);
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

  private int workers(int rounds, PrintStream out) {
    WorkersBench.Figures f = WorkersBench.run(rounds, System.err);
    WorkersBench.print(f, rounds, out);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "bench --workers");
    summary.put("rounds", rounds);
    summary.put("oneWorkerSchedulesPerSecond", f.oneWorker());
    summary.put("twoWorkersSchedulesPerSecond", f.twoWorkers());
    summary.put("speedUp", f.speedUp());
    summary.put("sameVerdictAndHash", f.same());
    summary.put("coresBusyWithTwoWorkers", f.coresBusyTwo());
    out.flush();
    json.print(spec.commandLine().getOut(), summary);
    return Main.EXIT_OK;
  }

  private int explore(int rounds, PrintStream out) {
    ExploreBench.Figures f = ExploreBench.run(rounds, System.err);
    ExploreBench.print(f, rounds, out);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "bench --explore");
    summary.put("rounds", rounds);
    summary.put("smallSchedulesPerSecond", f.smallSchedulesPerSecond());
    summary.put("smallDeliveriesPerSecond", f.smallDeliveriesPerSecond());
    summary.put("defaultDeliveriesPerSecond", f.defaultDeliveriesPerSecond());
    summary.put("perDeliveryRatio", f.perDeliveryRatio());
    out.flush();
    json.print(spec.commandLine().getOut(), summary);
    return Main.EXIT_OK;
  }

  private int stress(int rounds, PrintStream out) {
    StressBench.Figures f = StressBench.run(rounds, seconds, out);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "bench --stress");
    summary.put("rounds", rounds);
    summary.put("stress1kPerSecond", f.stress1k());
    summary.put("stress10kPerSecond", f.stress10k());
    summary.put("oneTd512PerSecond", f.oneTd512());
    summary.put("pairs1kPerSecond", f.pairs1k());
    summary.put("pairs10kPerSecond", f.pairs10k());
    summary.put("ratio1k", f.ratio1k());
    summary.put("ratio10k", f.ratio10k());
    summary.put("speedUp", f.speedUp());
    summary.put("heapPerVcpu1k", f.heapPerVcpu1k());
    summary.put("heapPerVcpu10k", f.heapPerVcpu10k());
    out.println("replay (medians of " + rounds + " rounds after one of warm-up; mut-skip-track run three times: early, late, early again):");
    StressReplayBench.Figures g = StressReplayBench.run(rounds, seconds, out);
    summary.put("recordReplayPerSecond", g.replayPerSecond());
    summary.put("recordReplayByTdPerSecond", g.replayByTdPerSecond());
    summary.put("explorePerSecond", g.explorePerSecond());
    summary.put("replayOverExplore", g.ratio());
    summary.put("wholeHostReplayOverExplore", g.wholeHostRatio());
    summary.put("recordBytesPerMessage", g.recordBytesPerMessage());
    summary.put("violationToReportSeconds", g.violationToReportSeconds());
    summary.put("lateViolationFoundSeconds", g.lateViolationFoundSeconds());
    summary.put("lateViolationToReportSeconds", g.lateViolationToReportSeconds());
    summary.put("lateOverEarlyViolationToReport", g.lateOverEarly());
    summary.put("oneTd512OverHost1k", f.oneTd512() / f.stress1k());
    out.flush();
    json.print(spec.commandLine().getOut(), summary);
    return Main.EXIT_OK;
  }
}
