package tdxsim.stress.junit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import tdxsim.stress.ext.TdxSimPlugin;
import tdxsim.stress.strategy.StrategyKind;

/**
 * What a {@link TdxSimTest} explores, as the annotation set it; the test method receives it and may change it
 * before the exploration runs (after the method returns).
 */
public final class TdxExploration {
  String scenario;
  final List<String> options = new ArrayList<>();
  long schedules;
  StrategyKind strategy;
  long seed;
  int depth;
  long maxSteps;
  boolean minimize;
  final List<TdxSimPlugin> plugins = new ArrayList<>();
  final List<String> expected = new ArrayList<>();
  Path failures = Path.of("target", "tdxsim-failures");

  TdxExploration(TdxSimTest a) {
    scenario = a.scenario();
    options.addAll(Arrays.asList(a.options()));
    schedules = a.schedules();
    strategy = a.strategy();
    seed = a.seed();
    depth = a.depth();
    maxSteps = a.maxSteps();
    minimize = a.minimize();
    expected.addAll(Arrays.asList(a.expect()));
  }

  /** A built-in scenario or a HOCON file. */
  public TdxExploration scenario(String nameOrFile) {
    this.scenario = Objects.requireNonNull(nameOrFile);
    return this;
  }

  /** Switches design options on (built-in ones, or those of the plugins in effect). */
  public TdxExploration option(String... names) {
    options.addAll(Arrays.asList(names));
    return this;
  }

  /** Puts a plugin in effect: its invariants are checked, its options can be switched on. */
  public TdxExploration plugin(TdxSimPlugin plugin) {
    plugins.add(Objects.requireNonNull(plugin));
    return this;
  }

  /** The test passes only if one of these invariants breaks. */
  public TdxExploration expectViolation(String... invariants) {
    expected.addAll(Arrays.asList(invariants));
    return this;
  }

  public TdxExploration schedules(long n) {
    if (n <= 0) throw new IllegalArgumentException("schedules must be positive: " + n);
    this.schedules = n;
    return this;
  }

  public TdxExploration seed(long s) {
    this.seed = s;
    return this;
  }

  public TdxExploration strategy(StrategyKind kind) {
    this.strategy = Objects.requireNonNull(kind);
    return this;
  }

  /** PCT's bug depth d. */
  public TdxExploration depth(int d) {
    if (d < 1) throw new IllegalArgumentException("PCT depth must be at least 1: " + d);
    this.depth = d;
    return this;
  }

  public TdxExploration maxSteps(long n) {
    if (n <= 0) throw new IllegalArgumentException("maxSteps must be positive: " + n);
    this.maxSteps = n;
    return this;
  }

  public TdxExploration minimize(boolean on) {
    this.minimize = on;
    return this;
  }

  /** Where a violation's trace is written (default {@code target/tdxsim-failures}). */
  public TdxExploration failureDir(Path dir) {
    this.failures = Objects.requireNonNull(dir);
    return this;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(scenario);
    if (!options.isEmpty()) sb.append(" +").append(String.join("+", options));
    return sb.toString();
  }
}
