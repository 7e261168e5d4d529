package tdxsim.stress.minimize;

import java.util.List;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.ScheduleResult;

/**
 * A violating schedule that actually ran: its executed decisions (what a trace must record to replay exactly),
 * verdict and final-state hash, and its measure (length, then context switches).
 */
record Schedule(List<Decision> decisions, Violation violation, long stateHash, int switches) {
  Schedule {
    decisions = List.copyOf(decisions);
    assert switches >= 0 : switches + " switches";
    assert (decisions.isEmpty() || switches < decisions.size()) : switches + " switches";
  }

  static Schedule of(ScheduleResult r) {
    assert r != null : "a schedule of no result";
    assert r.decisions() != null : "a schedule of no result";
    List<Decision> ds = r.decisions().asList();
    return new Schedule(ds, r.violation(), r.stateHash(), ContextSwitches.count(ds));
  }

  int size() {
    assert decisions != null : "a schedule without decisions";
    return decisions.size();
  }

  /** Strictly better: shorter, or as long with fewer context switches. Well-founded, so the search ends. */
  boolean betterThan(Schedule other) {
    assert other != null : "compared with no schedule";
    return size() < other.size() || (size() == other.size() && switches < other.switches);
  }
}
