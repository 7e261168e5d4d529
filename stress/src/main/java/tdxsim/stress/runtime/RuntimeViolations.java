package tdxsim.stress.runtime;

import java.util.List;
import tdxsim.actors.monitor.Violation;

/**
 * The violations the runtime reports by itself: a schedule that ran out of its {@link Budget} with work still
 * pending (liveness); a model actor that threw (an unhandled exception in a behaviour is a model bug, and would
 * otherwise show up only as unfinished work); and model code that sends messages or sets timers from a thread of
 * its own, which breaks replay.
 */
public final class RuntimeViolations {
  public static final String STEP_BUDGET = "liveness.step-budget";
  public static final String VIRTUAL_TIME_BUDGET = "liveness.virtual-time-budget";
  public static final String ACTOR_FAILURE = "runtime.actor-failure";
  public static final String FOREIGN_THREAD = "runtime.foreign-thread";

  private RuntimeViolations() {}

  static Violation stepBudget(long steps, int enabled, String firstEnabled) {
    assert steps > 0 : "a step budget of " + steps + " with " + enabled + " enabled";
    assert enabled > 0 : "a step budget of " + steps + " with " + enabled + " enabled";
    return Violation.of(
        STEP_BUDGET,
        "step budget of " + steps + " deliveries exhausted with " + enabled + " deliveries still enabled, e.g. "
            + firstEnabled);
  }

  static Violation virtualTimeBudget(long budgetNanos, long nextDeadlineNanos) {
    assert nextDeadlineNanos > budgetNanos : "timer due at " + nextDeadlineNanos + " within " + budgetNanos;
    return Violation.of(
        VIRTUAL_TIME_BUDGET,
        "virtual-time budget of " + budgetNanos + " ns exhausted; next timer due at " + nextDeadlineNanos + " ns");
  }

  static Violation actorFailure(String actor, String during) {
    assert actor != null : "an actor failure without its actor";
    assert during != null : "an actor failure without its actor";
    return new Violation(
        ACTOR_FAILURE, actor + " threw while " + during + " (the exception is in the log)", List.of(actor), List.of());
  }

  static Violation foreignThread(String what, String thread) {
    assert what != null : "a foreign-thread report without its thread";
    assert thread != null : "a foreign-thread report without its thread";
    return Violation.of(FOREIGN_THREAD, what + " from thread " + thread + ", not the driver (the message was dropped)");
  }
}
