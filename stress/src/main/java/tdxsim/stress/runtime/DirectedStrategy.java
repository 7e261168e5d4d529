package tdxsim.stress.runtime;

import tdxsim.stress.strategy.Delivery;
import tdxsim.stress.strategy.Strategy;

/**
 * A strategy that knows which delivery it wants (a recorded order) and can find it through an
 * {@link EnabledIndex} instead of the enabled list: the driver asks {@link #next} first, and builds the list and
 * calls {@link #pick} only when it answers null. Both must choose exactly the same delivery, so that a schedule
 * does not depend on which of the two answered.
 */
public interface DirectedStrategy extends Strategy {
  /** The delivery {@link #pick} would choose (and the same bookkeeping), or null to be shown the list instead. */
  Delivery next(EnabledIndex index);
}
