package tdxsim.stress.parallel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.model.CounterTotals;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordCut;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.trace.Trace;

/**
 * One {@code stress} run of a TDX scenario on the parallel runtime: builds the system and the world, drives it
 * ({@link ParallelRunner}), prints a progress line every second, and gathers the summary (flows, SEAMCALL
 * statuses, fault latency percentiles, throughput, memory) and, when recording, the {@link Record}.
 */
public final class StressRun {
  /**
   * @param toolVersion for the record
   * @param scenario what to run
   * @param options the {@code --option} names (they are already applied to {@code scenario}; kept for the record)
   * @param duration wall-time limit
   * @param settings threads, recording, throughput
   * @param checking run the invariant checker (off: statistics only)
   * @param checkEvery consistent cuts for the at-rest checks
   * @param measureMemory force a GC before the world starts and at the first generation's final cut to measure the
   *     heap it holds
   */
  public record Config(String toolVersion, Scenario scenario, List<String> options, Duration duration,
      ParallelSettings settings, boolean checking, Duration checkEvery, boolean measureMemory,
      int optionsFromGeneration, int maxGenerations) {
    public Config {
      assert optionsFromGeneration >= 1 : "options from generation " + optionsFromGeneration;
      assert maxGenerations >= 0 : "at most " + maxGenerations + " generations";
    }

    /** Generations until the duration (the generated scenario's), with the options from generation G. */
    public Config(String toolVersion, Scenario scenario, List<String> options, Duration duration,
        ParallelSettings settings, boolean checking, Duration checkEvery, boolean measureMemory,
        int optionsFromGeneration) {
      this(toolVersion, scenario, options, duration, settings, checking, checkEvery, measureMemory,
          optionsFromGeneration, 0);
    }

    /** With the options in every generation. */
    public Config(String toolVersion, Scenario scenario, List<String> options, Duration duration,
        ParallelSettings settings, boolean checking, Duration checkEvery, boolean measureMemory) {
      this(toolVersion, scenario, options, duration, settings, checking, checkEvery, measureMemory, 1);
    }
  }

  /**
   * Whether generation {@code gen}, starting {@code nanos} into the run, is built with the design options (the
   * generated scenario; a scenario file runs once, with them): {@code --option-from-generation} puts a mutation's
   * violation late in a long run, in a TD built from scratch as every generation's is.
   */
  @FunctionalInterface
  public interface OptionsFrom {
    boolean on(int gen, long nanos);
  }

  /**
   * What the run did, for the summary. {@code record} is the last generation's; when a violation broke one TD of a
   * generated host, it is cut down to that TD ({@link RecordCut}) and {@code hostRecordMessages} is the host's
   * record's size (else -1). The heap held and the busiest actors (of {@code busiestOf} messages) are measured at
   * the first generation's final cut, when its whole world has been built and has run.
   */
  public record Outcome(
      Config config,
      ParallelResult result,
      StressStats.Totals totals,
      Map<String, Long> flows,
      Map<String, Long> seamcalls,
      Histogram faultLatency,
      Map<String, Long> checkerCounters,
      long violations,
      long heapBaseline,
      long heapAtEnd,
      List<ParallelRun.ActorLoad> busiest,
      long busiestOf,
      long setupNanos,
      Record record,
      long hostRecordMessages,
      int generations,
      long gcPauseNanos,
      List<StressProgress.Snapshot> snapshots) {

    public int vcpus() {
      assert config != null : "an outcome without its scenario";
      assert config.scenario() != null : "an outcome without its scenario";
      return config.scenario().vcpus();
    }

    /** Heap the world holds, per vCPU (bytes; -1 if not measured). */
    public long heapPerVcpu() {
      assert vcpus() > 0 : "heap per vCPU of " + vcpus() + " vCPUs";
      return heapAtEnd < 0 ? -1 : Math.max(0, heapAtEnd - heapBaseline) / vcpus();
    }

    /** Rates per window of {@code seconds} (the progress ticks' totals). */
    public List<StressProgress.Window> windows(int seconds) {
      assert seconds > 0 : "windows of " + seconds + " s";
      assert snapshots != null : "windows of " + seconds + " s";
      return StressProgress.rates(snapshots, seconds);
    }

    /** "actor share%, ..." of the busiest actors (at the first generation's final cut), or null if not measured. */
    public String busiestText() {
      if (busiest == null) return null;
      StringBuilder sb = new StringBuilder();
      for (ParallelRun.ActorLoad a : busiest) {
        if (sb.length() > 0) sb.append(", ");
        sb.append(String.format(Locale.ROOT, "%s %.1f%%", a.actor(), 100.0 * a.received() / Math.max(1, busiestOf)));
      }
      return sb.toString();
    }

    /** Share of the run's wall time spent in GC pauses (GarbageCollectorMXBeans; forced GCs for memory included). */
    public double gcShare() {
      assert gcPauseNanos >= 0 : gcPauseNanos + " ns of GC in " + generations + " generations";
      assert generations >= 1 : gcPauseNanos + " ns of GC in " + generations + " generations";
      return (double) gcPauseNanos / Math.max(1, result.elapsedNanos());
    }
  }

  private StressRun() {}

  public static Outcome run(Config c, BooleanSupplier stopRequested, Consumer<String> progress) {
    return run(c, stopRequested, progress, null);
  }

  /**
   * {@link #run}, also handing every progress tick to {@code ticks} (benchmarks). The generated stress scenario runs
   * in generations: when every workload of the host has ended (quiescence), a fresh host of the same TDs starts, until
   * the wall-time limit, a violation or a stop request (see {@link StressScenario} for why splitting needs fresh TDs).
   * The outcome's result is the last generation's (verdict, state hash, record: a generation starts from nothing,
   * so it replays on its own); counts and times are over the whole run.
   */
  public static Outcome run(Config c, BooleanSupplier stopRequested, Consumer<String> progress,
      Consumer<ParallelRunner.Tick> ticks) {
    return run(c, stopRequested, progress, ticks, (gen, nanos) -> gen >= c.optionsFromGeneration());
  }

  /** {@link #run}, with the design options in the generations {@code optionsFrom} says (benchmarks). */
  public static Outcome run(Config c, BooleanSupplier stopRequested, Consumer<String> progress,
      Consumer<ParallelRunner.Tick> ticks, OptionsFrom optionsFrom) {
    Scenario s = c.scenario();
    assert s != null : "a stress run without its scenario";
    assert stopRequested != null : "a stress run without its stop request";
    boolean generations = StressScenario.isSource(s.source());
    Scenario without = generations ? StressScenario.fromSource(s.source(), List.of()) : s;
    boolean on = true;
    try (ParallelSystem system = ParallelSystem.create("tdxsim-stress", c.settings())) {
      Sums sum = new Sums(c.measureMemory() ? HeapHeld.bytes() : -1);
      StressStats stats = new StressStats(s.vcpus());
      StressProgress prog = new StressProgress(stats, progress, ticks);
      long t0 = System.nanoTime();
      ParallelResult r;
      boolean[] more = {false};
      for (int gen = 1; ; gen++) {
        boolean lastAllowed = c.maxGenerations() > 0 && gen >= c.maxGenerations();
        on = !generations || optionsFrom.on(gen, System.nanoTime() - t0);
        Scenario gs = on ? s : without;
        TdxParallelWorld world = new TdxParallelWorld(gs.tds(), gs.bounds(), c.checking(), stats);
        sum.generationStarts(stats.totals());
        long g0 = System.nanoTime();
        ParallelRun run = system.start(world);
        sum.setup += System.nanoTime() - g0;
        prog.generation(gen, world, g0 - t0, sum.deliveries);
        Duration left = c.duration().minusNanos(g0 - t0);
        ParallelRunner.Options o = ParallelRunner.Options.until(left.isNegative() ? Duration.ZERO : left)
            .checkingEvery(c.checkEvery()).stoppingWhen(stopRequested).withProgress(StressProgress.TICK, prog)
            .goingOnWhen(() -> more[0] = generations && !lastAllowed
                && System.nanoTime() - t0 < c.duration().toNanos() && !stopRequested.getAsBoolean());
        more[0] = false;
        r = ParallelRunner.drive(run, o, sum.atFinalCut(c, world, gen == 1, () -> !more[0]));
        sum.add(r, world);
        prog.tick(System.nanoTime() - t0, sum.deliveries);
        // the final cut decided (goingOnWhen): a generation that goes on was not hashed
        if (!generations || r.stoppedBy() != ParallelResult.StopReason.QUIESCENT || !r.ok() || !more[0]) break;
      }
      boolean timeUp = generations && r.ok() && r.stoppedBy() == ParallelResult.StopReason.QUIESCENT
          && !stopRequested.getAsBoolean() && (c.maxGenerations() == 0 || sum.generations < c.maxGenerations());
      ParallelResult whole = sum.over(r, System.nanoTime() - t0, timeUp);
      assert sum.generations >= 1 : sum.generations + " generations";
      assert sum.deliveries >= r.deliveries() : sum.generations + " generations";
      Record host = r.orders() == null ? null
          : Records.of(r, c.toolVersion(), ModelVersion.VERSION,
              new Trace.Scenario(s.name(), sourceOf(s)), on ? c.options() : List.of(), s.vcpus(), 0,
              c.settings().threads());
      Record record = generations ? cutToViolatingTd(host, r, s, sum.tdHashes) : host;
      return new Outcome(c, whole, sum.lastGeneration(stats.totals()), stats.flows(), stats.seamcalls(),
          stats.faultLatency(), sum.counters.snapshot(), sum.violations, sum.heap0, sum.heapEnd, sum.loads,
          sum.loadDeliveries, sum.setup, record, record == host ? -1 : host.deliveries(), sum.generations,
          sum.gc.pauseNanos(), prog.snapshots());
    }
  }

  /**
   * {@code host}'s record cut down to the TD its violation is in (TDs share nothing: that TD's receive orders alone
   * replay to its verdict and state), or {@code host} itself.
   */
  private static Record cutToViolatingTd(Record host, ParallelResult r, Scenario s, long[] tdHashes) {
    int td = RecordCut.tdOf(r.violation());
    if (host == null || td < 0 || tdHashes == null) return host;
    assert td < s.tds().size() : "TD " + td + " of " + s.tds().size();
    assert tdHashes.length == s.tds().size() : "TD " + td + " of " + s.tds().size();
    return RecordCut.toTd(host, td, new Trace.Scenario(s.name(), StressScenario.tdSource(s.source(), td)),
        s.tds().get(td).vcpus(), tdHashes[td]);
  }

  /** What the generations add up to, and what the final cuts measured. */
  private static final class Sums {
    final long heap0;
    final GcClock gc = new GcClock();
    final CounterTotals counters = new CounterTotals();
    long violations;
    long setup;
    long heapEnd = -1;
    List<ParallelRun.ActorLoad> loads;
    long loadDeliveries;
    long[] tdHashes;
    long genRunnable;
    long genDone;
    int generations;
    long deliveries;
    long barriers;
    long barrierNanos;
    long pauseNanos;
    long checkNanos;

    Sums(long heap0) {
      this.heap0 = heap0;
      assert heap0 >= -1 : "a heap baseline of " + heap0;
    }

    void generationStarts(StressStats.Totals t) {
      genRunnable = t.tdsRunnable;
      genDone = t.vcpusDone;
      assert genRunnable >= 0 : "generation starts at " + genRunnable + " TDs, " + genDone + " done";
      assert genDone >= 0 : "generation starts at " + genRunnable + " TDs, " + genDone + " done";
    }

    /**
     * At a generation's final cut: each TD's hash (when recording a host, and the generation is the {@code last});
     * at the first generation's, the busiest actors and the heap (its whole world has been built and has run; a
     * later one may be cut at its start).
     */
    Consumer<ParallelRun> atFinalCut(Config c, TdxParallelWorld world, boolean first, BooleanSupplier last) {
      return paused -> {
        boolean recordsTds = c.settings().recording() && c.scenario().tds().size() > 1;
        if (recordsTds && last.getAsBoolean()) tdHashes = world.tdStateHashes();
        if (!first) return;
        loads = busiest(paused.loads(), 8);
        loadDeliveries = paused.deliveries();
        if (c.measureMemory()) {
          heapEnd = HeapHeld.bytes(); // its collection is left out of the GC time (GcClock)
        }
      };
    }

    void add(ParallelResult r, TdxParallelWorld world) {
      generations++;
      deliveries += r.deliveries();
      barriers += r.barriers();
      barrierNanos += r.barrierNanos();
      pauseNanos += r.pauseNanos();
      checkNanos += r.checkNanos();
      counters.add(world.counters());
      violations += world.violationCount();
      assert generations >= 1 : "sums after " + generations + " generations";
      assert deliveries >= 0 : "sums after " + generations + " generations";
      assert violations >= 0 : "sums after " + generations + " generations";
    }

    /** {@code t} with the last generation's TDs built and vCPUs done, as in a run of one generation. */
    StressStats.Totals lastGeneration(StressStats.Totals t) {
      t.tdsRunnable -= genRunnable;
      t.vcpusDone -= genDone;
      assert t.tdsRunnable >= 0 : "the last generation's totals went negative";
      assert t.vcpusDone >= 0 : "the last generation's totals went negative";
      return t;
    }

    /**
     * The whole run: {@code last}'s verdict, hash and orders; counts and times summed; stopped by the duration
     * when generations went on until it ({@code timeUp}), else by what stopped the last one.
     */
    ParallelResult over(ParallelResult last, long elapsedNanos, boolean timeUp) {
      ParallelResult.StopReason why = timeUp ? ParallelResult.StopReason.DURATION : last.stoppedBy();
      assert !timeUp || last.ok() : "time up after a violation";
      return new ParallelResult(last.violation(), last.stateHash(), deliveries, elapsedNanos, why,
          last.orders(), barriers, barrierNanos, pauseNanos, checkNanos);
    }
  }

  /**
   * What replay needs: the generated scenario's spec, else the text that was loaded (a built-in scenario's or a
   * file's, as parsed: the file is not read again after the run).
   */
  static String sourceOf(Scenario s) {
    assert s != null && s.source() != null : "the source of no scenario";
    return StressScenario.isSource(s.source()) ? s.source() : Worlds.traceScenario(s).source();
  }

  private static List<ParallelRun.ActorLoad> busiest(List<ParallelRun.ActorLoad> all, int n) {
    List<ParallelRun.ActorLoad> l = new ArrayList<>(all);
    assert n > 0 : "the busiest " + n;
    l.sort(Comparator.comparingLong(ParallelRun.ActorLoad::received).reversed());
    return List.copyOf(l.subList(0, Math.min(n, l.size())));
  }
}
