package tdxsim.stress.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.parallel.ParallelResult;
import tdxsim.stress.parallel.ParallelRunner;
import tdxsim.stress.parallel.ParallelSettings;
import tdxsim.stress.parallel.HostReplay;
import tdxsim.stress.parallel.ParallelSystem;
import tdxsim.stress.parallel.Records;
import tdxsim.stress.parallel.StressRun;
import tdxsim.stress.parallel.TdxParallelWorld;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordBinary;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.strategy.RandomWalkStrategy;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;

/**
 * The replay half of {@code bench --stress}, one measurement each (printed, nothing asserted):
 * <ul>
 *   <li>record replay messages/s of a recorded 1,000-vCPU host (one generation, run to its end), whole and TD by TD
 *       (each TD's cut, {@link HostReplay}), against explore deliveries/s of random schedules of one TD of the same
 *       generated model, on the same deterministic runtime; and the record's size in bytes per message, binary and
 *       compressed. The replay finds each step's delivery through the runtime's index (a heap of the receivers'
 *       next recorded messages; before it, the enabled-list scan and RecordedOrderStrategy.pick's walk over it took
 *       three quarters of a host replay, and a host's 1,100 actors replayed far slower than a TD's 70);</li>
 *   <li>a {@code mut-skip-track} stress run of 10,000 vCPUs, recording: the wall time from the end of the run
 *       ("violation found") to the trace of it replayed and reported (the record cut to the violating TD, replayed,
 *       its trace written and replayed on its own).</li>
 * </ul>
 */
public final class StressReplayBench {
  private StressReplayBench() {}

  /** The figures, for {@code --json}. */
  public record Figures(double replayPerSecond, double replayByTdPerSecond, double explorePerSecond,
      double recordBytesPerMessage,
      long recordMessages, double violationToReportSeconds, double violationRunSeconds, long cutMessages) {
    public double ratio() {
      return replayPerSecond / explorePerSecond;
    }
  }

  public static Figures run(int seconds, PrintStream out) {
    Scenario host = StressScenario.scenario(StressScenario.spec(1000), List.of());
    Record rec;
    try (ParallelSystem sys = ParallelSystem.create("bench-record",
        ParallelSettings.defaults().withRecording(true))) {
      ParallelResult r = ParallelRunner.run(sys, new TdxParallelWorld(host.tds(), host.bounds(), true),
          ParallelRunner.Options.until(Duration.ofSeconds(Math.max(seconds, 60))));
      rec = Records.of(r, "bench", ModelVersion.VERSION, new Trace.Scenario(host.name(), host.source()), List.of(),
          host.vcpus(), 0, sys.settings().threads());
    }
    long t0 = System.nanoTime();
    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
    double replay = rep.replayed() * 1e9 / (System.nanoTime() - t0);
    long t1 = System.nanoTime();
    RecordReplayReport tdByTd = HostReplay.replay(rec); // what ./tdxsim replay does with a host's record
    double byTd = tdByTd.reproduced() ? tdByTd.replayed() * 1e9 / (System.nanoTime() - t1) : Double.NaN;
    double bytes = (double) RecordBinary.size(rec) / Math.max(1, rec.deliveries());
    double explore = explore(seconds);
    out.printf(Locale.ROOT, "  record replay, 1,000 vCPUs (%,d messages, %s): %.2f M msg/s; explore, one TD of 64, "
        + "random: %.2f M deliveries/s; ratio %.2f   [target >= 1]%n", rec.deliveries(),
        rep.reproduced() ? "reproduced" : rep.summary(), replay / 1e6, explore / 1e6, replay / explore);
    out.printf(Locale.ROOT, "  the same record replayed TD by TD, as ./tdxsim replay does (%d TDs, %s): %.2f M msg/s; "
        + "ratio to explore %.2f%n", host.tds().size(), tdByTd.reproduced() ? "reproduced" : tdByTd.summary(),
        byTd / 1e6, byTd / explore);
    out.printf(Locale.ROOT, "  record size: %.2f bytes per message (binary: varints, deflated blocks)%n", bytes);

    Scenario mut = StressScenario.scenario(StressScenario.spec(10000), List.of("mut-skip-track"));
    StressRun.Config c = new StressRun.Config("bench", mut, List.of("mut-skip-track"), Duration.ofSeconds(seconds),
        ParallelSettings.defaults().withRecording(true), true, Duration.ofMillis(250), false);
    long r0 = System.nanoTime();
    StressRun.Outcome o = StressRun.run(c, () -> false, null);
    long found = System.nanoTime();
    double toReport = Double.NaN;
    long cut = o.record() == null ? 0 : o.record().deliveries();
    if (!o.result().ok() && o.record() != null) toReport = report(o.record(), found);
    out.printf(Locale.ROOT, "  mut-skip-track, 10,000 vCPUs recorded for up to %d s: %s after %.1f s; violation found "
        + "-> trace replayed and reported: %.2f s (the record cut to the violating TD: %,d of %,d messages)   "
        + "[target < 10 s]%n", seconds, o.result().ok() ? "no violation" : o.result().violation().invariant(),
        (found - r0) / 1e9, toReport, cut, o.hostRecordMessages());
    return new Figures(replay, byTd, explore, bytes, rec.deliveries(), toReport, (found - r0) / 1e9, cut);
  }

  /** Replays the record, writes its trace, replays the trace from the file: seconds since {@code found}. */
  private static double report(Record rec, long found) {
    try {
      RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
      Trace t = rep.violationTrace().orElseThrow();
      Path f = Files.createTempFile("tdxsim-bench", "-trace.json");
      try {
        TraceFile.write(f, t);
        Trace back = TraceFile.read(f);
        ReplayReport again = Replayer.replay(Worlds.forTrace(back), back);
        if (!again.reproduced()) throw new IllegalStateException(again.summary());
      } finally {
        Files.deleteIfExists(f);
      }
      return (System.nanoTime() - found) / 1e9;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Explore deliveries/s: random schedules of one generated TD of 64 vCPUs, on one deterministic system. */
  private static double explore(int seconds) {
    Scenario one = StressScenario.scenario(StressScenario.spec(64, 64), List.of());
    TdxWorldFactory worlds = new TdxWorldFactory(one);
    long deliveries = 0;
    long t0 = System.nanoTime();
    long until = t0 + Math.max(5, seconds / 3) * 1_000_000_000L;
    try (DeterministicSystem sys = DeterministicSystem.create("bench-explore")) {
      RandomWalkStrategy random = new RandomWalkStrategy();
      for (long seed = 1; System.nanoTime() < until; seed++) {
        random.reset(seed);
        ScheduleResult r = sys.run(worlds.create(seed), random, Budget.DEFAULT);
        deliveries += r.steps();
      }
    }
    return deliveries * 1e9 / (System.nanoTime() - t0);
  }
}
