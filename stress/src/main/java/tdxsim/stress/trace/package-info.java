/**
 * Traces (one schedule as JSON: {@link tdxsim.stress.trace.Trace}, {@link tdxsim.stress.trace.TraceFile}) and
 * their replay ({@link tdxsim.stress.trace.Replayer}).
 */
package tdxsim.stress.trace;
