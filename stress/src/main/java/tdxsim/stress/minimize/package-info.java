/**
 * The trace minimizer: shrinks a violating trace to the few deliveries that matter while keeping the same
 * invariant broken and the trace exactly replayable. Entry point: {@link tdxsim.stress.minimize.Minimizer}.
 *
 * <p>How: a {@link tdxsim.stress.minimize.GuidedStrategy} follows a candidate decision list loosely; the passes
 * (drop an actor, ddmin, fewer context switches) propose candidate lists; a {@link tdxsim.stress.minimize.Search}
 * runs each and keeps the best violating schedule that actually executed. Invariants are checked after every
 * delivery, so a delivery that a candidate leaves out is not lost but postponed, and past the violation it never
 * happens: that is what makes the trace shorter.
 */
package tdxsim.stress.minimize;
