package tdxsim.stress.runtime;

import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.monitor.Violation;

/**
 * One schedule's model instance: the only thing a model plugs into the deterministic runtime.
 *
 * <p>The runtime spawns {@link #root()} as the world root (a fresh actor per schedule, under a name the runtime
 * picks); the root spawns the model's actors with fixed names and starts the workload. The world wires its
 * invariant checker as the {@link tdxsim.actors.monitor.Monitor} of the model's actors, so that {@link #check()}
 * only has to report what the monitor already saw: it runs after every delivery and must be cheap.
 *
 * <p>Model actors keep the default mailbox (the runtime's per-sender FIFO queue); an actor with a mailbox
 * selector of its own would have its messages run in arrival order, invisible to the strategies.
 */
public interface World {

  /** The world root's behaviour. Called once per schedule. */
  Behavior<?> root();

  /** After every delivery: the first broken safety invariant, if any. */
  Optional<Violation> check();

  /** When nothing is enabled and no timer is due: liveness (unfinished work, deadlock), if any. */
  Optional<Violation> atQuiescence();

  /** Hash of the final state over a canonical encoding (deterministic across JVMs, e.g. 64-bit FNV-1a). */
  long stateHash();
}
