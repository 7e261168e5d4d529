package tdxsim.actors.monitor;

/**
 * The environment's window into the model. Actors report every state change and every protocol step as an
 * {@link Observation}, synchronously, while handling a message. A monitor never sends messages and never
 * blocks, so it adds no scheduling choice of its own [docs/architecture.md, "Checking and reporting"].
 *
 * <p>The model knows nothing of the simulator: the runtime injects the monitor (invariant checker, counters,
 * trace recorder, or {@link #NONE}).
 */
@FunctionalInterface
public interface Monitor {
  Monitor NONE = o -> {};

  void observe(Observation o);
}
