package tdxsim.stress.model;

import java.util.List;
import java.util.Map;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.invariants.FlowCounters;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.ext.Extensions;
import tdxsim.stress.coverage.Coverage;
import tdxsim.stress.runtime.World;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.scenario.Scenario;

/**
 * The runtime's model adapter: one {@link TdxWorld} per schedule for a fixed VM config and checker bounds. The
 * schedule seed drives the scheduling only (the workload is the scenario's), so it is not used here.
 *
 * <p>Counters: each world's are available from {@link TdxWorld#counters()}; the factory also sums those of the
 * worlds it created once the next one is asked for ({@link #totals()} adds the current one), which is what a
 * sequential explorer needs for {@code explore --json} without holding every world.
 */
public final class TdxWorldFactory implements WorldFactory {
  private final List<VmConfig> tds;
  private final Bounds bounds;
  private final Extensions extensions;
  /** The counters of every world before {@link #current}, summed as arrays: no map per schedule. */
  private final FlowCounters totals = new FlowCounters();
  private TdxWorld current;
  private Coverage coverage;

  public TdxWorldFactory(VmConfig config, Bounds bounds) {
    this(List.of(config), bounds);
  }

  /** A host of {@code tds}. */
  public TdxWorldFactory(List<VmConfig> tds, Bounds bounds) {
    this(tds, bounds, Extensions.none());
  }

  /** With plugins ({@link Extensions}): their invariants and chosen options in every world. */
  public TdxWorldFactory(List<VmConfig> tds, Bounds bounds, Extensions extensions) {
    this.tds = List.copyOf(tds);
    this.bounds = bounds;
    this.extensions = extensions;
  }

  public TdxWorldFactory(VmConfig config) {
    this(config, Bounds.DEFAULT);
  }

  public TdxWorldFactory(Scenario scenario) {
    this(scenario.tds(), scenario.bounds(), scenario.extensions());
  }

  @Override
  public synchronized World create(long scheduleSeed) {
    if (current != null) current.addCountersTo(totals);
    current = new TdxWorld(tds, bounds, extensions, coverage);
    return current;
  }

  /** Counts every later world's protocol tuples into {@code c} ({@code --coverage}); null stops counting. */
  public synchronized TdxWorldFactory coverage(Coverage c) {
    this.coverage = c;
    return this;
  }

  /** The most recently created world, or null. */
  public synchronized TdxWorld current() {
    return current;
  }

  /** Sum of the counters of every world created so far (the current one included), in a stable order. */
  public synchronized Map<String, Long> totals() {
    FlowCounters t = new FlowCounters();
    t.add(totals);
    if (current != null) current.addCountersTo(t);
    return t.snapshot();
  }

  /** The VM (of a host: the first TD). */
  public VmConfig config() {
    return tds.get(0);
  }

  public Bounds bounds() {
    return bounds;
  }
}
