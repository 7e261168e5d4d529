package tdxsim.stress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tdxsim.actors.invariants.InvariantChecker;

class CounterTotalsTest {
  static Map<String, Long> counters(String extraKey, long v) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String k : InvariantChecker.counterSummaryKeys()) m.put(k, 1L);
    m.put(extraKey, v);
    return m;
  }

  @Test
  void summaryFirstThenDetailsSortedWhicheverScheduleSawThemFirst() {
    CounterTotals a = new CounterTotals();
    a.add(counters("flow.ZAP", 2));
    a.add(counters("flow.AUG_2M", 3));
    CounterTotals b = new CounterTotals();
    b.add(counters("flow.AUG_2M", 3));
    b.add(counters("flow.ZAP", 2));
    assertEquals(new ArrayList<>(a.snapshot().keySet()), new ArrayList<>(b.snapshot().keySet()));
    List<String> keys = new ArrayList<>(a.snapshot().keySet());
    int n = InvariantChecker.counterSummaryKeys().size();
    assertEquals(InvariantChecker.counterSummaryKeys(), keys.subList(0, n));
    assertEquals(List.of("flow.AUG_2M", "flow.ZAP"), keys.subList(n, keys.size()));
    assertEquals(2L, a.snapshot().get("aug.2m"));
    assertEquals(3L, a.snapshot().get("flow.AUG_2M"));
  }
}
