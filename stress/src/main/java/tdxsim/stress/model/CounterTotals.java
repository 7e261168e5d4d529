package tdxsim.stress.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tdxsim.actors.invariants.InvariantChecker;

/**
 * Sums the checker's counter maps across schedules, in the checker's own order: its fixed summary keys first,
 * then every other key sorted, so the result never depends on which schedule saw a key first.
 */
public final class CounterTotals {
  private final Map<String, Long> sums = new TreeMap<>();

  public void add(Map<String, Long> counters) {
    for (Map.Entry<String, Long> e : counters.entrySet()) sums.merge(e.getKey(), e.getValue(), Long::sum);
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String k : InvariantChecker.counterSummaryKeys()) m.put(k, sums.getOrDefault(k, 0L));
    for (Map.Entry<String, Long> e : sums.entrySet()) m.putIfAbsent(e.getKey(), e.getValue());
    return m;
  }

  CounterTotals copy() {
    CounterTotals c = new CounterTotals();
    c.sums.putAll(sums);
    return c;
  }
}
