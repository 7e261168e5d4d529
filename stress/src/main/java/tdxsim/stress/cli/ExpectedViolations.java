package tdxsim.stress.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tdxsim.actors.invariants.Invariant;
import tdxsim.stress.scenario.Scenario;

/**
 * The violations a scenario expects ({@code expect-violations}): the checker counts them in the flow counters
 * ({@code expected.<id>}) and checks on past them; the run reports how often each fired, and one that never
 * fired makes the run fail, so such a scenario cannot pass vacuously.
 */
final class ExpectedViolations {
  private ExpectedViolations() {}

  /** Each expected invariant with how often it fired over the run (0 if never), in the scenario's order. */
  static Map<String, Long> counts(Scenario s, Map<String, Long> flows) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Invariant i : s.bounds().expectedViolations()) m.put(i.id(), flows.getOrDefault("expected." + i.id(), 0L));
    return m;
  }

  /** The expected invariants that never fired. */
  static List<String> missing(Map<String, Long> counts) {
    List<String> l = new ArrayList<>();
    counts.forEach((id, n) -> {
      if (n == 0) l.add(id);
    });
    return l;
  }

  /** "expected violations: kvm.bug-on 12 (checked past)", or null when the scenario expects none. */
  static String line(Map<String, Long> counts) {
    if (counts.isEmpty()) return null;
    StringBuilder sb = new StringBuilder("expected violations (checked past):");
    counts.forEach((id, n) -> sb.append(' ').append(id).append(' ').append(n));
    List<String> never = missing(counts);
    if (!never.isEmpty()) sb.append("; NEVER FIRED: ").append(String.join(", ", never));
    return sb.toString();
  }
}
