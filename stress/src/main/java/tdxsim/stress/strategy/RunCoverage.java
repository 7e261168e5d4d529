package tdxsim.stress.strategy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * What a clean exploration covered, and for PCT what it promises: over {@code schedules} schedules of at most k
 * choice steps among n receivers (PCT's chains), a bug of depth d is missed with probability at most
 * (1 - 1/(n k^(d-1)))^schedules (Burckhardt et al., ASPLOS 2010; see {@link tdxsim.stress.strategy.PctStrategy}).
 * The promise is about the model as explored (its scenario, options and invariants), under bounded fairness, and
 * for the depth asked: a bug of greater depth, or one outside the scenario, is not covered. n and k are the largest
 * seen in the run (PCT itself learns k as it goes, so its first schedules had fewer change points than the bound
 * assumes).
 *
 * @param strategy its name
 * @param depth PCT's d (0 for the other strategies)
 * @param schedules schedules run
 * @param deliveries deliveries made in all of them
 * @param chains n: the most receivers seen in one schedule
 * @param choiceSteps k: the most steps with a real choice in one schedule
 */
public record RunCoverage(String strategy, int depth, long schedules, long deliveries, int chains, long choiceSteps) {

  /** PCT's bound on missing a depth-d bug, or NaN for the other strategies (they promise nothing of the kind). */
  public double missBound() {
    assert depth >= 0 : "coverage " + this;
    assert chains >= 0 : "coverage " + this;
    assert choiceSteps >= 0 : "coverage " + this;
    assert schedules >= 0 : "coverage " + this;
    if (depth == 0 || chains == 0) return Double.NaN;
    double k = Math.max(1, choiceSteps);
    double p = 1.0 / (chains * Math.pow(k, depth - 1));
    assert p >= 0 : "PCT probability " + p; // 0 once k^(d-1) overflows
    return Math.exp(schedules * Math.log1p(-Math.min(p, 1.0)));
  }

  /** One line: "500 schedules, 61234 deliveries, strategy pct (d=3): P(miss a depth-3 bug) <= 0.97 (n=9, k=52)". */
  public String summary() {
    assert strategy != null : "coverage of no strategy";
    String s = String.format(Locale.ROOT, "%d schedules, %d deliveries, strategy %s", schedules, deliveries, strategy);
    if (Double.isNaN(missBound())) return s + " (no miss-probability bound for this strategy)";
    return s + String.format(Locale.ROOT, " (d=%d): P(miss a depth-%d bug) <= %.4g (n=%d chains, k=%d steps)",
        depth, depth, missBound(), chains, choiceSteps);
  }

  /** The figures for {@code --json} and the JUnit report: missBound is null where there is no bound. */
  public Map<String, Object> figures() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("strategy", strategy);
    m.put("pctDepth", depth);
    m.put("schedules", schedules);
    m.put("deliveries", deliveries);
    m.put("chains", chains);
    m.put("choiceSteps", choiceSteps);
    m.put("missBound", Double.isNaN(missBound()) ? null : missBound());
    assert m.size() == 7 : "coverage figures " + m.keySet();
    return m;
  }

  /** Counts n and k around a strategy, without changing its choices. */
  public static final class Counting implements Strategy {
    private final Strategy inner;
    private long steps;
    private long maxSteps;
    private final java.util.BitSet receivers = new java.util.BitSet();
    private int maxReceivers;

    public Counting(Strategy inner) {
      this.inner = inner;
      assert inner != null : "counting around no strategy";
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public void reset(long scheduleSeed) {
      close();
      inner.reset(scheduleSeed);
    }

    @Override
    public int pick(List<Delivery> enabled) {
      assert !enabled.isEmpty() : "pick from an empty enabled list";
      if (enabled.size() > 1) steps++;
      for (Delivery d : enabled) receivers.set(d.receiverIndex());
      return inner.pick(enabled);
    }

    /** Ends the current schedule's counts. */
    public void close() {
      maxSteps = Math.max(maxSteps, steps);
      maxReceivers = Math.max(maxReceivers, receivers.cardinality());
      steps = 0;
      receivers.clear();
      assert steps == 0 : "counts not ended";
      assert receivers.isEmpty() : "counts not ended";
      assert maxSteps >= 0 : "counts not ended";
    }

    /** n: the most receivers seen in one schedule so far (the current one included). */
    public int chains() {
      assert maxReceivers >= 0 : "most receivers " + maxReceivers;
      return Math.max(maxReceivers, receivers.cardinality());
    }

    /** k: the most steps with a real choice in one schedule so far (the current one included). */
    public long choiceSteps() {
      assert maxSteps >= 0 : "choice steps " + steps + " of " + maxSteps;
      assert steps >= 0 : "choice steps " + steps + " of " + maxSteps;
      return Math.max(maxSteps, steps);
    }

    public RunCoverage coverage(String strategy, int depth, long schedules, long deliveries) {
      assert schedules >= 0 : "coverage of " + schedules + " schedules";
      assert deliveries >= 0 : "coverage of " + schedules + " schedules";
      assert depth >= 0 : "coverage of " + schedules + " schedules";
      close();
      return new RunCoverage(strategy, depth, schedules, deliveries, maxReceivers, maxSteps);
    }
  }
}
