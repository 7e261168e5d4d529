package tdxsim.stress.junit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.minimize.MinimizeBudget;
import tdxsim.stress.minimize.MinimizeResult;
import tdxsim.stress.minimize.Minimizer;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.RunCoverage;
import tdxsim.stress.strategy.PctStrategy;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;

/**
 * One test's exploration: a builder, then {@link #assertNoViolation()} (the usual CI test),
 * {@link #assertViolation(String)} (a test that a known-broken protocol variant is caught), or {@link #run()}.
 *
 * <p>Schedules are those {@code ./tdxsim explore} runs for the same strategy and seed (the strategy under
 * {@link FairStrategy}'s bounded fairness). Defaults: PCT (depth {@value PctStrategy#DEFAULT_DEPTH}), 200
 * schedules, seed 1, {@link Budget#DEFAULT}, no wall-time limit (so the verdict never depends on the machine's
 * speed), no minimizing, traces under {@code target/tdxsim-traces}. Runs on the calling thread, on a
 * deterministic system of its own.
 */
public final class ScheduleExploration {
  static final Path DEFAULT_TRACE_DIR = Path.of("target", "tdxsim-traces");

  private final WorldFactory worlds;
  private StrategyKind strategy = StrategyKind.PCT;
  private int pctDepth = PctStrategy.DEFAULT_DEPTH;
  private long schedules = 200;
  private long seed = 1;
  private Budget budget = Budget.DEFAULT;
  private Duration timeLimit = Duration.ofSeconds(Long.MAX_VALUE);
  private Path traceDir = DEFAULT_TRACE_DIR;
  private String testName;
  private TraceInfo info;
  private MinimizeBudget minimize;

  ScheduleExploration(WorldFactory worlds) {
    this.worlds = Objects.requireNonNull(worlds, "worlds");
  }

  public ScheduleExploration strategy(StrategyKind kind) {
    this.strategy = Objects.requireNonNull(kind);
    return this;
  }

  /** PCT's bug depth d (ignored by the other strategies). */
  public ScheduleExploration pctDepth(int depth) {
    if (depth < 1) throw new IllegalArgumentException("PCT depth must be at least 1: " + depth);
    this.pctDepth = depth;
    return this;
  }

  public ScheduleExploration schedules(long n) {
    if (n <= 0) throw new IllegalArgumentException("schedules must be positive: " + n);
    this.schedules = n;
    return this;
  }

  public ScheduleExploration seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Per-schedule budget; running out of it is a liveness violation. */
  public ScheduleExploration budget(Budget budget) {
    this.budget = Objects.requireNonNull(budget);
    return this;
  }

  /** A wall-time limit: off by default, since it makes the number of schedules explored machine dependent. */
  public ScheduleExploration timeLimit(Duration limit) {
    this.timeLimit = Objects.requireNonNull(limit);
    return this;
  }

  /** Where traces go (default {@code target/tdxsim-traces}, relative to the working directory). */
  public ScheduleExploration traceDir(Path dir) {
    this.traceDir = Objects.requireNonNull(dir);
    return this;
  }

  /** The trace's file name without {@code .json} (default: the calling test, {@code <TestClass>.<method>}). */
  public ScheduleExploration traceName(String name) {
    if (name.isBlank() || name.contains("/") || name.contains("\\")) {
      throw new IllegalArgumentException("not a file name: '" + name + "'");
    }
    this.testName = name;
    return this;
  }

  /** What the trace says it is a trace of (default {@link TraceInfo#forTest}). */
  public ScheduleExploration traceInfo(TraceInfo info) {
    this.info = Objects.requireNonNull(info);
    return this;
  }

  /** Minimize a violating trace before writing it ({@link MinimizeBudget#DEFAULT}). */
  public ScheduleExploration minimize() {
    return minimize(MinimizeBudget.DEFAULT);
  }

  public ScheduleExploration minimize(MinimizeBudget budget) {
    this.minimize = Objects.requireNonNull(budget);
    return this;
  }

  /** Fails, with the violation, the trace's path and the replay command, if any schedule breaks an invariant. */
  public ExplorationOutcome assertNoViolation() {
    ExplorationOutcome o = run(CallerName.of());
    if (!o.ok()) throw new AssertionError(FailureMessage.of("tdxsim: " + o.trace().violation().oneLine(), o));
    return o;
  }

  /**
   * Fails unless some schedule breaks {@code invariant} (for tests that a deliberately broken protocol is
   * caught). A different violation fails too, with its trace.
   *
   * @return the violating trace, written like any other
   */
  public Trace assertViolation(String invariant) {
    ExplorationOutcome o = run(CallerName.of());
    if (o.ok()) {
      throw new AssertionError("tdxsim: expected a violation of " + invariant + ", but " + o.exploration().schedules()
          + " schedules (strategy " + o.exploration().strategy() + ", seed " + seed + ") broke no invariant");
    }
    Violation v = o.trace().violation();
    if (!v.invariant().equals(invariant)) {
      throw new AssertionError(
          FailureMessage.of("tdxsim: expected a violation of " + invariant + ", but got " + v.oneLine(), o));
    }
    return o.trace();
  }

  /** Explores, and writes the trace if some schedule broke an invariant; never fails by itself. */
  public ExplorationOutcome run() {
    return run(CallerName.of());
  }

  private ExplorationOutcome run(String caller) {
    String name = testName != null ? testName : caller;
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-junit")) {
      // as ./tdxsim explore does: bounded fairness, so a liveness verdict is the model's, not the strategy's
      RunCoverage.Counting s = new RunCoverage.Counting(FairStrategy.wrap(strategy.create(pctDepth)));
      ExplorationResult r = Explorer.explore(system, worlds, s, seed, schedules, timeLimit, budget, null,
          () -> false);
      RunCoverage coverage = s.coverage(strategy.cliName(), strategy == StrategyKind.PCT ? pctDepth : 0, r.schedules(),
          r.deliveries());
      Counterexample c = r.counterexample();
      if (c == null) return new ExplorationOutcome(name, r, null, null, null, coverage);
      TraceInfo ti = info != null ? info : TraceInfo.forTest(name);
      Trace trace =
          Trace.of(ti.toolVersion(), ti.modelVersion(), ti.scenario(), ti.options(), strategy.cliName(), seed,
              budget, c);
      MinimizeResult min = null;
      if (minimize != null) {
        min = Minimizer.minimize(system, worlds, trace, minimize, null);
        trace = min.minimized();
      }
      Path file = traceDir.resolve(name + ".json").toAbsolutePath().normalize();
      TraceFile.write(file, trace);
      return new ExplorationOutcome(name, r, trace, file, min, coverage);
    }
  }
}
