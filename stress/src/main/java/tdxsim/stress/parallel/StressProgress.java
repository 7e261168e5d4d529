package tdxsim.stress.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The stress run's progress, across its generations: a line per tick with the rates over the last interval
 * (messages, faults, ACCEPTs, splits, zaps, TDX_OPERAND_BUSY, conversions, the share of the interval spent in GC
 * pauses) and a snapshot of the running totals per tick, from which {@link #rates} gives per-window figures (per
 * minute in a long run) for the summary.
 */
public final class StressProgress implements Consumer<ParallelRunner.Tick> {
  /** Running totals at {@code nanos} since the run began. */
  public record Snapshot(long nanos, long deliveries, long faults, long accepts, long splits, long zaps, long busy,
      long conversions, long gcMillis) {}

  /** Rates over one window ending at {@code endSeconds} (per second). */
  public record Window(double endSeconds, double messages, double splits, double zaps, double busy,
      double conversions, double gcShare) {
    public boolean allSplitting() {
      assert messages >= 0 : "window at " + endSeconds + " s";
      assert gcShare >= 0 : "window at " + endSeconds + " s";
      assert gcShare <= 1 : "window at " + endSeconds + " s";
      return splits > 0 && zaps > 0 && busy > 0 && conversions > 0;
    }
  }

  /** How often the runner ticks. */
  static final java.time.Duration TICK = java.time.Duration.ofMillis(100);
  private static final long EVERY_NANOS = 1_000_000_000L - TICK.toNanos() / 2;
  private final StressStats stats;
  private final Consumer<String> out;
  private final Consumer<ParallelRunner.Tick> ticks;
  private final List<Snapshot> snapshots = new ArrayList<>();
  private TdxParallelWorld world;
  private int generation;
  private long genOffsetNanos;
  private long deliveriesBefore;
  private Snapshot last = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, GcClock.runMillis());

  StressProgress(StressStats stats, Consumer<String> out, Consumer<ParallelRunner.Tick> ticks) {
    this.stats = stats;
    this.out = out;
    this.ticks = ticks;
    assert stats != null : "progress without stats";
  }

  /** Generation {@code gen} started {@code offsetNanos} into the run, after {@code deliveriesBefore} messages. */
  void generation(int gen, TdxParallelWorld w, long offsetNanos, long deliveriesBefore) {
    this.generation = gen;
    assert gen >= 1 : "generation " + gen;
    assert w != null : "generation " + gen;
    assert offsetNanos >= 0 : "generation " + gen;
    assert deliveriesBefore >= 0 : "generation " + gen;
    this.world = w;
    this.genOffsetNanos = offsetNanos;
    this.deliveriesBefore = deliveriesBefore;
  }

  /**
   * A tick of the current generation's runner (every {@link #TICK}); a line and a snapshot once a second of the
   * whole run, so that generations shorter than a second still show.
   */
  @Override
  public void accept(ParallelRunner.Tick t) {
    assert t != null : "a tick before the first generation";
    assert world != null : "a tick before the first generation";
    if (ticks != null) ticks.accept(t);
    tick(genOffsetNanos + t.elapsedNanos(), deliveriesBefore + t.run().deliveries());
  }

  /** A generation ended {@code at} nanos into the run, after {@code deliveries} in all (short generations). */
  void tick(long at, long deliveries) {
    if (at - last.nanos < EVERY_NANOS) return;
    StressStats.Totals s = stats.totals();
    Snapshot now = new Snapshot(at, deliveries, s.faults,
        s.accepts, s.splits, s.zaps, s.busy, s.conversions, GcClock.runMillis());
    snapshots.add(now);
    // ticks are in time order: snapshots at least a second apart, counters never going back
    assert now.nanos > last.nanos : "snapshot at " + now.nanos;
    assert now.deliveries >= last.deliveries : "snapshot at " + now.nanos;
    Snapshot p = last;
    last = now;
    if (out == null) return;
    double dt = Math.max(1, now.nanos - p.nanos) / 1e9;
    out.accept(String.format(Locale.ROOT,
        "  %6.1f s  %5.2f M msg/s  faults %,6.0f/s  ACCEPTs %,6.0f/s  splits %,5.0f/s  zaps %,6.0f/s  BUSY %,5.0f/s  "
            + "conversions %,5.0f/s  GC %3.0f%%  gen %d  violations %d",
        now.nanos / 1e9, (now.deliveries - p.deliveries) / dt / 1e6, (now.faults - p.faults) / dt,
        (now.accepts - p.accepts) / dt, (now.splits - p.splits) / dt, (now.zaps - p.zaps) / dt,
        (now.busy - p.busy) / dt, (now.conversions - p.conversions) / dt,
        Math.min(100, Math.max(0, now.gcMillis - p.gcMillis) / 10.0 / dt), generation, world.violationCount()));
  }

  List<Snapshot> snapshots() {
    assert snapshots.isEmpty() || snapshots.get(snapshots.size() - 1) == last : "the last snapshot not kept";
    return List.copyOf(snapshots);
  }

  /** Rates per window of {@code windowSeconds} from the per-tick snapshots (a last partial window included). */
  public static List<Window> rates(List<Snapshot> snapshots, int windowSeconds) {
    assert snapshots != null : "rates over " + windowSeconds + " s";
    assert windowSeconds > 0 : "rates over " + windowSeconds + " s";
    List<Window> w = new ArrayList<>();
    Snapshot from = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, snapshots.isEmpty() ? 0 : snapshots.get(0).gcMillis);
    long windowNanos = windowSeconds * 1_000_000_000L;
    for (int i = 0; i < snapshots.size(); i++) {
      Snapshot s = snapshots.get(i);
      boolean end = s.nanos - from.nanos >= windowNanos - windowNanos / 20 || i == snapshots.size() - 1;
      if (!end) continue;
      double dt = Math.max(1, s.nanos - from.nanos) / 1e9;
      w.add(new Window(s.nanos / 1e9, (s.deliveries - from.deliveries) / dt, (s.splits - from.splits) / dt,
          (s.zaps - from.zaps) / dt, (s.busy - from.busy) / dt, (s.conversions - from.conversions) / dt,
          Math.min(1, Math.max(0, s.gcMillis - from.gcMillis) / 1e3 / dt)));
      from = s;
      assert w.get(w.size() - 1).endSeconds() >= 0 : "a window ending at " + s.nanos;
    }
    return w;
  }
}
