/**
 * The deterministic runtime: the model's Pekko typed behaviours on one thread, every choice drawn from one seed.
 *
 * <p>Start with {@link tdxsim.stress.runtime.World} (what a model provides), {@link
 * tdxsim.stress.runtime.DeterministicSystem} (one ActorSystem, many schedules) and {@link
 * tdxsim.stress.runtime.Explorer} (many schedules until a violation). The Pekko plug-ins (executor, mailbox,
 * scheduler) are {@code Det*} and {@link tdxsim.stress.runtime.VirtualTimeScheduler}; their shared per-system
 * state is {@code DetRuntime}.
 */
package tdxsim.stress.runtime;
