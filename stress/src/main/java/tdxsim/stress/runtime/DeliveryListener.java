package tdxsim.stress.runtime;

import tdxsim.stress.schedule.Decision;

/**
 * Sees each delivery of one schedule as it happens, with the message object itself. Decisions only name the
 * message class; a report that draws a race needs the fields (gfn, level, status), and replaying with a listener
 * is how it gets them without the runtime recording every message while exploring.
 *
 * <p>Optional: {@link DeterministicSystem#run(World, tdxsim.stress.strategy.Strategy, Budget)} runs without one
 * and pays nothing for it.
 */
@FunctionalInterface
public interface DeliveryListener {

  /**
   * Called on the driver thread just before the receiver handles the message.
   *
   * @param step the delivery's number in the schedule, 1-based (as in {@link tdxsim.stress.strategy.Divergence})
   * @param decision the decision being executed (the same one the schedule's decision log records)
   * @param message the message about to be handled; it belongs to the model, so read it, never change it
   */
  void delivering(long step, Decision decision, Object message);
}
