/**
 * The parallel runtime: the model's behaviours on a normal multi-threaded Pekko ActorSystem, for throughput at
 * scale ({@code ./tdxsim stress}).
 *
 * <ul>
 *   <li>{@link tdxsim.stress.parallel.ParallelSystem} runs a {@link tdxsim.stress.runtime.World} (the same interface
 *       as the deterministic runtime) on the runtime's own pool ({@code ParPool}, {@code SliceQueue}: one thread per
 *       core, each actor on a home thread, TDs in time slices, a TDX world's TD on one thread at a time:
 *       {@link tdxsim.stress.parallel.ConcurrentWorld#tdsOnOneThread}), with Pekko's usual dispatcher throughput;
 *       {@link tdxsim.stress.parallel.ParallelRunner} drives it to quiescence, a violation, a duration
 *       or a stop request, taking consistent cuts (every actor paused between two messages) for the checks that
 *       need every actor at rest.
 *   <li>While recording, the mailbox ({@code ParMessageQueue}) stamps each message with its sender-minted id
 *       (sender, the sender's own send sequence number) and each receiver logs the ids it dequeues: its receive
 *       order, which the deterministic runtime replays ({@link tdxsim.stress.record}).
 *   <li>{@link tdxsim.stress.parallel.TdxParallelWorld}, {@link tdxsim.stress.parallel.StressStats},
 *       {@link tdxsim.stress.model.StressScenario} and {@link tdxsim.stress.parallel.StressRun} are the TDX side:
 *       thread-safe monitors (one invariant checker per TD under its lock, per-thread statistics), the generated
 *       host of TDs, and one stress run with its summary.
 * </ul>
 *
 * <p>The wall clock is read here (progress, fault latency, when to look, when to stop) and in the mailbox while
 * recording (dequeue times: a replay hint); nothing read from it reaches an actor.
 */
package tdxsim.stress.parallel;
