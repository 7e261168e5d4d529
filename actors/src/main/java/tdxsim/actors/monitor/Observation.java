package tdxsim.actors.monitor;

/**
 * One observed state change or protocol step. Every actor family defines its observations as records that
 * implement this interface (TDX module: {@link SeptObservation}); invariant checkers pattern-match on them.
 * An observation carries enough to rebuild the global state from the observations alone.
 */
public interface Observation {}
