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
import tdxsim.stress.record.Record;
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
   * @param measureMemory force a GC before the world starts and at the final cut to measure the heap it holds
   */
  public record Config(String toolVersion, Scenario scenario, List<String> options, Duration duration,
      ParallelSettings settings, boolean checking, Duration checkEvery, boolean measureMemory) {}

  /** What the run did, for the summary. */
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
      long setupNanos,
      Record record) {

    public int vcpus() {
      return config.scenario().vcpus();
    }

    /** Heap the world holds, per vCPU (bytes; -1 if not measured). */
    public long heapPerVcpu() {
      return heapAtEnd < 0 ? -1 : Math.max(0, heapAtEnd - heapBaseline) / vcpus();
    }
  }

  private StressRun() {}

  public static Outcome run(Config c, BooleanSupplier stopRequested, Consumer<String> progress) {
    return run(c, stopRequested, progress, null);
  }

  /** {@link #run}, also handing every progress tick to {@code ticks} (benchmarks). */
  public static Outcome run(Config c, BooleanSupplier stopRequested, Consumer<String> progress,
      Consumer<ParallelRunner.Tick> ticks) {
    Scenario s = c.scenario();
    try (ParallelSystem system = ParallelSystem.create("tdxsim-stress", c.settings())) {
      long heap0 = c.measureMemory() ? HeapHeld.bytes() : -1;
      TdxParallelWorld world = new TdxParallelWorld(s.tds(), s.bounds(), c.checking());
      long t0 = System.nanoTime();
      ParallelRun run = system.start(world);
      long setup = System.nanoTime() - t0;
      long[] heapEnd = {-1};
      List<ParallelRun.ActorLoad>[] loads = new List[1];
      ParallelRunner.Options o = ParallelRunner.Options.until(c.duration()).checkingEvery(c.checkEvery())
          .stoppingWhen(stopRequested)
          .withProgress(Duration.ofSeconds(1), new Progress(world, progress, ticks));
      ParallelResult r = ParallelRunner.drive(run, o, paused -> {
        loads[0] = busiest(paused.loads(), 8);
        if (c.measureMemory()) heapEnd[0] = HeapHeld.bytes();
      });
      Record record = r.orders() == null ? null
          : Records.of(r, c.toolVersion(), ModelVersion.VERSION,
              new Trace.Scenario(s.name(), sourceOf(s)), c.options(), s.vcpus(), 0, c.settings().threads());
      return new Outcome(c, r, world.stats().totals(), world.stats().flows(), world.stats().seamcalls(),
          world.stats().faultLatency(), world.counters(), world.violationCount(), heap0, heapEnd[0], loads[0], setup,
          record);
    }
  }

  /** A built-in scenario's text, a file's text, or the generated scenario's spec: what replay needs. */
  static String sourceOf(Scenario s) {
    if (StressScenario.isSource(s.source())) return s.source();
    java.nio.file.Path file = java.nio.file.Path.of(s.source());
    if (java.nio.file.Files.isRegularFile(file)) {
      try {
        return java.nio.file.Files.readString(file);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return tdxsim.stress.scenario.ScenarioLoader.builtInText(s.source().replaceFirst("\\.conf$", ""));
  }

  private static List<ParallelRun.ActorLoad> busiest(List<ParallelRun.ActorLoad> all, int n) {
    List<ParallelRun.ActorLoad> l = new ArrayList<>(all);
    l.sort(Comparator.comparingLong(ParallelRun.ActorLoad::received).reversed());
    return List.copyOf(l.subList(0, Math.min(n, l.size())));
  }

  /** The progress line: rates over the last interval. */
  private static final class Progress implements Consumer<ParallelRunner.Tick> {
    private final TdxParallelWorld world;
    private final Consumer<String> out;
    private long lastNanos;
    private long lastDeliveries;
    private long lastFaults;
    private long lastAccepts;
    private final Consumer<ParallelRunner.Tick> ticks;

    Progress(TdxParallelWorld world, Consumer<String> out, Consumer<ParallelRunner.Tick> ticks) {
      this.world = world;
      this.out = out;
      this.ticks = ticks;
    }

    @Override
    public void accept(ParallelRunner.Tick t) {
      if (ticks != null) ticks.accept(t);
      if (out == null) return;
      StressStats.Totals s = world.stats().totals();
      long d = t.run().deliveries();
      double dt = (t.elapsedNanos() - lastNanos) / 1e9;
      out.accept(String.format(Locale.ROOT,
          "  %6.1f s  %6.2f M msg/s  faults %,8.0f/s  ACCEPTs %,8.0f/s  splits %,d  BUSY %,d  violations %d",
          t.elapsedNanos() / 1e9, (d - lastDeliveries) / dt / 1e6, (s.faults - lastFaults) / dt,
          (s.accepts - lastAccepts) / dt, s.splits, s.busy, world.violationCount()));
      lastNanos = t.elapsedNanos();
      lastDeliveries = d;
      lastFaults = s.faults;
      lastAccepts = s.accepts;
    }
  }
}
