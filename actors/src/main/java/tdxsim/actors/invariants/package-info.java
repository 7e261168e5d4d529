/**
 * The invariant checker: global properties of the TDX huge-page protocol, checked incrementally over the
 * state rebuilt from the model's observations ({@link tdxsim.actors.monitor.Observation}).
 *
 * <p>Entry point: {@link tdxsim.actors.invariants.InvariantChecker} (a {@link tdxsim.actors.monitor.Monitor});
 * the catalogue of properties with their stable names: {@link tdxsim.actors.invariants.Invariant}. The rest is
 * one concern per class: the per-position state ({@code Entry}, {@code Range2M}, {@code PageTables}), the
 * trackers that apply observations and check what each kind of change may do ({@code MirrorTracker},
 * {@code SeptTracker}, {@code SeamcallTracker}, {@code KvmTracker}, {@code GmemTracker}, {@code LockTracker},
 * {@code LivenessTracker}), the checks deferred to a delivery boundary and the precise meaning of "at rest"
 * ({@code RestChecks}), and the counters and the canonical state hash ({@code FlowCounters},
 * {@code StateHashing}).
 *
 * <p>Replay rules hold here as in every model class: no clocks, no randomness, no identity- or ActorRef-keyed
 * iteration (state is keyed by gfn and actor name; maps are insertion-ordered or sorted).
 */
package tdxsim.actors.invariants;
