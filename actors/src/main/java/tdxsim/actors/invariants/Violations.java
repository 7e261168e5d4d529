package tdxsim.actors.invariants;

import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.Violation;

/**
 * Keeps the first violation (a violation stops the run and becomes a trace, so later ones are consequences) and
 * counts the rest. Reporting is cheap; detail strings are only built by callers on the failure path. A violation
 * the scenario expects ({@link Bounds#expectedViolations()}) is only counted, in the flow counters, and checking
 * goes on past it.
 */
final class Violations {
  private final FlowCounters counters;
  private final java.util.Set<Invariant> expected;
  private Violation first;
  private long count;

  Violations(FlowCounters counters, java.util.Set<Invariant> expected) {
    this.counters = counters;
    this.expected = expected;
  }

  void report(Invariant inv, String detail, List<String> actors, long... gfns) {
    assert inv != null && detail != null && actors != null : "a violation report without its invariant: " + detail;
    if (!expected.isEmpty() && expected.contains(inv)) {
      counters.expected[inv.ordinal()]++;
      return;
    }
    count++;
    assert count > 0 : "violation count overflowed";
    if (first != null) return;
    assert count == 1 : count + " violations counted before the first was kept";
    Long[] boxed = new Long[gfns.length];
    for (int i = 0; i < gfns.length; i++) boxed[i] = gfns[i];
    first = new Violation(inv.id(), detail, actors, List.of(boxed));
    assert count == 1 : "the first violation recorded as the " + count + "th";
    assert first.invariant().equals(inv.id()) : "the first violation recorded as the " + count + "th";
  }

  void report(Invariant inv, String detail, long... gfns) {
    assert gfns != null : "a violation report of " + inv + " with no gfn array";
    report(inv, detail, List.of(), gfns);
  }

  Optional<Violation> first() {
    assert (first == null) == (count == 0) : count + " violations counted, first " + first;
    return Optional.ofNullable(first);
  }

  boolean any() {
    assert (first == null) == (count == 0) : count + " violations counted, first " + first;
    return first != null;
  }

  long count() {
    assert count >= 0 : "a negative violation count";
    return count;
  }

}
