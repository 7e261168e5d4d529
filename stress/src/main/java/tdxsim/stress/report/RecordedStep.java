package tdxsim.stress.report;

import tdxsim.stress.schedule.Decision;

/**
 * One delivery of a replayed trace, with the message object (decisions alone only name its class).
 *
 * @param step 1-based
 * @param decision what was delivered where
 * @param message the message itself
 */
public record RecordedStep(long step, Decision decision, Object message) {}
