package tdxsim.stress.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
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
import tdxsim.stress.record.RecordFile;
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
 * The replay half of {@code bench --stress} (printed, nothing asserted):
 * <ul>
 *   <li>record replay messages/s of a recorded 1,000-vCPU host (one generation, run to its end) against explore
 *       deliveries/s of random schedules of one TD of the same generated model, on the same deterministic runtime:
 *       the headline is the replay {@code ./tdxsim replay} runs (TD by TD, each TD's cut, {@link HostReplay}), the
 *       whole host's replay in one world is printed too. Each round runs explore for half its time, the two
 *       replays, then explore again, so that both see the same load; the ratios are each round's, their median is
 *       printed (by wall time and per CPU second of the driver thread). A round before them warms the JIT up (the
 *       stress runs before use the parallel runtime, not this one). And the record's size in bytes per message;</li>
 *   <li>a {@code mut-skip-track} stress run of 10,000 vCPUs, recording for {@value #MUT_SECONDS} s or until the
 *       violation: the wall time from "violation found" (the runner's last poll before the run stopped: within 2
 *       ms, or a consistent cut's checks, of the moment the run saw it) to the trace of it replayed and reported
 *       (the record cut to the violating TD, written, read back, replayed, its trace written and replayed on its
 *       own; the median of 5 reports, warm); and the same with the mutation only in the
 *       generations that start after {@value #LATE_SECONDS} s, so that the violation is found late in a long run:
 *       the ratio of the two times (flat: each generation is a fresh world, recorded from its start).</li>
 * </ul>
 * JFR of the replay and of explore (see the README): explore's step scans every actor with a message waiting
 * ({@code collectEnabled}, about a third of its samples); the replay's step is a heap of the receivers' next
 * recorded messages, a lookup of the lane of the recorded sender (a binary search by sender,
 * {@code DetMessageQueue.laneOf}, once a scan of the receiver's lanes) and one sift of that heap
 * ({@code CursorHeap.replaceTop}); a replay of the whole host also runs, after every delivery, the checkers of the
 * TDs that saw an observation ({@code TdCheckers.firstObserved}).
 */
public final class StressReplayBench {
  private StressReplayBench() {}

  /** Seconds the {@code mut-skip-track} run records for (unless its violation stops it first). */
  static final int MUT_SECONDS = 60;
  /** The late violation run's mutation starts with the first generation after this many seconds. */
  static final int LATE_SECONDS = 60;
  /** Reports timed per violation run (their median is printed: one report takes about 0.1-1 s under load). */
  private static final int REPORTS = 5;
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** The figures, for {@code --json}: rates of the last round, ratios the medians over the rounds. */
  public record Figures(double replayPerSecond, double replayByTdPerSecond, double explorePerSecond,
      double ratio, double wholeHostRatio, double recordBytesPerMessage,
      long recordMessages, double violationToReportSeconds, double violationRunSeconds, long cutMessages,
      double lateViolationToReportSeconds, double lateViolationFoundSeconds, long lateCutMessages,
      double lateOverEarly) {}

  /** One round's rates, messages per second: {wall, CPU} for explore, TD by TD and the whole host. */
  private record Round(double[] explore, double[] byTd, double[] whole, boolean exact) {
    double ratio(int cpu) {
      return byTd[cpu] / explore[cpu];
    }

    double wholeRatio(int cpu) {
      return whole[cpu] / explore[cpu];
    }
  }

  public static Figures run(int rounds, int seconds, PrintStream out) {
    Scenario host = StressScenario.scenario(StressScenario.spec(1000), List.of());
    Record rec;
    try (ParallelSystem sys = ParallelSystem.create("bench-record",
        ParallelSettings.defaults().withRecording(true))) {
      ParallelResult r = ParallelRunner.run(sys, new TdxParallelWorld(host.tds(), host.bounds(), true),
          ParallelRunner.Options.until(Duration.ofSeconds(Math.max(seconds, 60))));
      rec = Records.of(r, "bench", ModelVersion.VERSION, new Trace.Scenario(host.name(), host.source()), List.of(),
          host.vcpus(), 0, sys.settings().threads());
    }
    Explore explore = new Explore();
    round(rec, explore, 1); // warm-up
    List<Round> rs = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Round r = round(rec, explore, Math.max(2, seconds / 6));
      rs.add(r);
      out.printf(Locale.ROOT, "  round %d/%d: explore %.3f, replay TD by TD %.3f (%.2f), whole host %.3f (%.2f) "
          + "M msg/s (ratio to explore); per CPU second %.3f, %.3f (%.2f), %.3f (%.2f)%s%n", i + 1, rounds,
          r.explore[0] / 1e6, r.byTd[0] / 1e6, r.ratio(0), r.whole[0] / 1e6, r.wholeRatio(0), r.explore[1] / 1e6,
          r.byTd[1] / 1e6, r.ratio(1), r.whole[1] / 1e6, r.wholeRatio(1), r.exact ? "" : "  NOT REPRODUCED");
    }
    Round last = rs.get(rs.size() - 1);
    double ratio = median(rs, r -> r.ratio(0));
    double whole = median(rs, r -> r.wholeRatio(0));
    boolean exact = rs.stream().allMatch(Round::exact);
    out.printf(Locale.ROOT, "  record replay as ./tdxsim replay runs it (TD by TD, %d TDs), 1,000 vCPUs (%,d messages, "
        + "%s): ratio to explore (random, one TD of 64) %.2f, per CPU second %.2f   [target >= 1; medians of %d rounds]%n",
        host.tds().size(), rec.deliveries(), exact ? "every replay reproduced exactly" : "NOT all reproduced", ratio,
        median(rs, r -> r.ratio(1)), rounds);
    out.printf(Locale.ROOT, "  the same record replayed whole (one world of the host, after every delivery the checkers "
        + "of the TDs it touched): ratio to explore %.2f, per CPU second %.2f%n", whole, median(rs, r -> r.wholeRatio(1)));
    double bytes = (double) RecordBinary.size(rec) / Math.max(1, rec.deliveries());
    out.printf(Locale.ROOT, "  record size: %.2f bytes per message (binary: varints, deflated blocks)%n", bytes);
    double[] mut = mutSkipTrack(out);
    return new Figures(last.whole[0], last.byTd[0], last.explore[0], ratio, whole, bytes, rec.deliveries(), mut[0],
        mut[1], (long) mut[2], mut[3], mut[4], (long) mut[5], mut[6]);
  }

  /** Explore for {@code half} s, both replays, explore for {@code half} s again. */
  private static Round round(Record rec, Explore explore, int half) {
    explore.run(half);
    long w0 = System.nanoTime();
    long c0 = CPU.getCurrentThreadCpuTime();
    RecordReplayReport byTd = HostReplay.replay(rec); // what ./tdxsim replay does with a host's record
    long w1 = System.nanoTime();
    long c1 = CPU.getCurrentThreadCpuTime();
    RecordReplayReport whole = RecordReplayer.replay(Worlds.forRecord(rec), rec);
    long w2 = System.nanoTime();
    long c2 = CPU.getCurrentThreadCpuTime();
    explore.run(half);
    double[] e = explore.rates();
    boolean exact = byTd.reproduced() && whole.reproduced();
    return new Round(e, new double[] {byTd.replayed() * 1e9 / (w1 - w0), byTd.replayed() * 1e9 / (c1 - c0)},
        new double[] {whole.replayed() * 1e9 / (w2 - w1), whole.replayed() * 1e9 / (c2 - c1)}, exact);
  }

  private static double median(List<Round> rs, java.util.function.ToDoubleFunction<Round> f) {
    return RuntimeBench.median(rs.stream().mapToDouble(f).toArray());
  }

  /**
   * A violation run: where and when it broke; seconds from "found" to the run's return (the final cut, the receive
   * orders taken, the cut to the violating TD) and of the report (a median, warm; {@code cold}: the process's first,
   * or NaN).
   */
  private record Found(boolean violated, String invariant, int generation, double foundAfter, double stop,
      double report, double cold, long cut, long host, long recordBytes) {
    double toReport() {
      return stop + report;
    }
  }

  /**
   * The {@code mut-skip-track} runs at 10,000 vCPUs and their reports: with the mutation from the first generation,
   * then from the first generation that starts after {@value #LATE_SECONDS} s (the ones before run clean to their
   * ends), then from the first again (warm: the first run's final cut and report run cold, as in a fresh process).
   * {seconds from "violation found" to the trace replayed and reported, when it was found, messages of the record's
   * cut (the first run), the same three of the late run, late over early (the third run)}.
   */
  private static double[] mutSkipTrack(PrintStream out) {
    long late = LATE_SECONDS * 1_000_000_000L;
    Found a = violation(MUT_SECONDS, (gen, nanos) -> true, true);
    out.printf(Locale.ROOT, "  mut-skip-track, 10,000 vCPUs recorded for %d s or until the violation: %s after %.1f s; "
        + "violation found -> trace replayed and reported: %.2f s (%.2f s to the run's return, %.2f s the report; "
        + "cold, the first in the process, %.2f s; the record cut to the violating TD: %,d of %,d messages)   "
        + "[target < 10 s]%n", MUT_SECONDS, a.violated ? a.invariant : "no violation", a.foundAfter, a.toReport(),
        a.stop, a.report, a.cold, a.cut, a.host);
    Found b = violation(LATE_SECONDS * 5, (gen, nanos) -> nanos >= late, false);
    // generation 1 again, now that the final cut's code is as warm as in the late run's tenth or so generation
    Found again = violation(MUT_SECONDS, (gen, nanos) -> true, false);
    double ratio = b.toReport() / again.toReport();
    out.printf(Locale.ROOT, "  the same, the mutation only from the first generation that starts after %d s: %s in "
        + "generation %d after %.1f s: found -> reported %.2f s (%.2f + %.2f; cut %,d of %,d messages, record %,d "
        + "bytes read) against generation %d after %.1f s, run again: %.2f s (%.2f + %.2f; cut %,d, %,d bytes): "
        + "late / early %.2f   [target about 1: flat in the run's length]%n", LATE_SECONDS,
        b.violated ? b.invariant : "no violation", b.generation, b.foundAfter, b.toReport(), b.stop, b.report, b.cut,
        b.host, b.recordBytes, again.generation, again.foundAfter, again.toReport(), again.stop, again.report,
        again.cut, again.recordBytes, ratio);
    // the headline (and --json) is the first run's, as printed above; the re-run only makes the ratio fair
    return new double[] {a.toReport(), a.foundAfter, a.cut, b.toReport(), b.foundAfter, b.cut, ratio};
  }

  /**
   * A recording {@code mut-skip-track} run of 10,000 vCPUs for up to {@code seconds}, and its report: the median of
   * {@value #REPORTS} (after one more, untimed, if {@code warmUp}).
   */
  private static Found violation(int seconds, StressRun.OptionsFrom from, boolean warmUp) {
    Scenario mut = StressScenario.scenario(StressScenario.spec(10000), List.of("mut-skip-track"));
    StressRun.Config c = new StressRun.Config("bench", mut, List.of("mut-skip-track"), Duration.ofSeconds(seconds),
        ParallelSettings.defaults().withRecording(true), true, Duration.ofMillis(250), false);
    long r0 = System.nanoTime();
    long[] lastPoll = {r0};
    // the runner polls for a stop request just before it polls the world for a violation, every 2 ms
    BooleanSupplier polled = () -> {
      lastPoll[0] = System.nanoTime();
      return false;
    };
    StressRun.Outcome o = StressRun.run(c, polled, null, null, from);
    long ended = System.nanoTime();
    long cut = o.record() == null ? 0 : o.record().deliveries();
    if (o.result().ok() || o.record() == null) {
      return new Found(false, null, o.generations(), (ended - r0) / 1e9, Double.NaN, Double.NaN, Double.NaN, cut,
          o.hostRecordMessages(), 0);
    }
    long[] bytes = {0};
    double cold = warmUp ? report(o.record(), bytes) : Double.NaN;
    double[] reps = new double[REPORTS];
    for (int i = 0; i < REPORTS; i++) reps[i] = report(o.record(), bytes);
    double rep = RuntimeBench.median(reps);
    return new Found(true, o.result().violation().invariant(), o.generations(), (lastPoll[0] - r0) / 1e9,
        (ended - lastPoll[0]) / 1e9, rep, cold, cut, o.hostRecordMessages(), bytes[0]);
  }

  /**
   * As {@code ./tdxsim stress --record} and then {@code ./tdxsim replay} do: writes the record, reads it back
   * ({@code bytes[0]}: its size), replays it, writes its trace, replays the trace from the file: seconds it took.
   */
  private static double report(Record written, long[] bytes) {
    long t0 = System.nanoTime();
    try {
      Path r = Files.createTempFile("tdxsim-bench", ".rec");
      Path f = Files.createTempFile("tdxsim-bench", "-trace.json");
      try {
        RecordFile.write(r, written);
        bytes[0] = Files.size(r);
        Record rec = RecordFile.read(r);
        RecordReplayReport rep = HostReplay.replay(rec);
        if (!rep.reproduced()) throw new IllegalStateException(rep.summary());
        Trace t = rep.violationTrace().orElseThrow();
        TraceFile.write(f, t);
        Trace back = TraceFile.read(f);
        ReplayReport again = Replayer.replay(Worlds.forTrace(back), back);
        if (!again.reproduced()) throw new IllegalStateException(again.summary());
      } finally {
        Files.deleteIfExists(f);
        Files.deleteIfExists(r);
      }
      return (System.nanoTime() - t0) / 1e9;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Explore deliveries/s: random schedules of one generated TD of 64 vCPUs, on one deterministic system, summed over
   * the slices of a round (wall and driver-thread CPU time).
   */
  private static final class Explore {
    private final TdxWorldFactory worlds =
        new TdxWorldFactory(StressScenario.scenario(StressScenario.spec(64, 64), List.of()));
    private final RandomWalkStrategy random = new RandomWalkStrategy();
    private long seed = 1;
    private long deliveries;
    private long wall;
    private long cpu;

    void run(int seconds) {
      try (DeterministicSystem sys = DeterministicSystem.create("bench-explore")) {
        // timed after the ActorSystem's start and before its stop: the replay it is compared with pays neither
        long t0 = System.nanoTime();
        long c0 = CPU.getCurrentThreadCpuTime();
        long until = t0 + seconds * 1_000_000_000L;
        while (System.nanoTime() < until) {
          random.reset(seed);
          ScheduleResult r = sys.run(worlds.create(seed++), random, Budget.DEFAULT);
          deliveries += r.steps();
        }
        wall += System.nanoTime() - t0;
        cpu += CPU.getCurrentThreadCpuTime() - c0;
      }
    }

    /** {wall, CPU} rates since the last call, and starts over. */
    double[] rates() {
      double[] r = {deliveries * 1e9 / wall, deliveries * 1e9 / cpu};
      deliveries = 0;
      wall = 0;
      cpu = 0;
      return r;
    }
  }
}
