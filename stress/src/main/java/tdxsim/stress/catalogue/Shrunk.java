package tdxsim.stress.catalogue;

/**
 * A counterexample before and after minimization: the table's "minimized" column, the figure that says how small
 * the race really is (a handful of steps, against the thousands of deliveries of the schedule that found it).
 *
 * @param originalSteps deliveries in the schedule that found it
 * @param minimizedSteps deliveries in the minimized trace
 * @param invariant the invariant the minimized trace breaks (the same one)
 * @param fixpoint the minimizer reached its fixpoint rather than a budget
 */
public record Shrunk(int originalSteps, int minimizedSteps, String invariant, boolean fixpoint) {}
