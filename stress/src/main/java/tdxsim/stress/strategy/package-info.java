/**
 * Exploration strategies behind one interface, {@link tdxsim.stress.strategy.Strategy}: each sees the enabled
 * {@link tdxsim.stress.strategy.Delivery deliveries} and picks one. Random walk, PCT, POS, and replay.
 */
package tdxsim.stress.strategy;
