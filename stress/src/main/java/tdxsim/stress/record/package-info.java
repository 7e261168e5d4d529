/**
 * Records of parallel runs and their deterministic replay: {@link tdxsim.stress.record.Record} (every world
 * actor's receive order, verdict, final-state hash), {@link tdxsim.stress.record.RecordFile} (JSON, atomic write,
 * {@link tdxsim.stress.record.RecordFile#isRecord} to tell it from a trace),
 * {@link tdxsim.stress.record.RecordedOrderStrategy} and {@link tdxsim.stress.record.RecordReplayer} (replay on one
 * thread, same state and verdict or a precise divergence, and the deterministic trace of a violation).
 */
package tdxsim.stress.record;
