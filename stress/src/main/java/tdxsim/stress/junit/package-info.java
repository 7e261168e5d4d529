/**
 * Concurrency tests for CI: a JUnit 5 test explores schedules of a model and, on a violation, fails with a trace
 * that replays exactly.
 *
 * <p>For the TDX model, the annotation {@link tdxsim.stress.junit.TdxSimTest} (a test template, with the extension
 * wired in) on a method that may configure the {@link tdxsim.stress.junit.TdxExploration} it receives:
 *
 * <pre>{@code
 * @TdxSimTest(scenario = "race-r5", options = {"mut-no-retry-check"}, schedules = 500, strategy = PCT, seed = 1)
 * void faultVsPunchHole(TdxExploration exploration) {
 *   exploration.expectViolation("mmu.no-install-during-invalidation");
 * }
 * }</pre>
 *
 * <p>The failure names the trace under {@code target/tdxsim-failures/} (with the model version, the scenario text,
 * the options and the plugins in effect, so that {@code ./tdxsim replay} and {@code report} work on it), the
 * commands, and draws the minimized race. JUnit is a provided dependency: the user's test brings it.
 *
 * <p>For any model (a {@link tdxsim.stress.runtime.WorldFactory} of one's own), {@link
 * tdxsim.stress.junit.Schedules#explore} is the plain API, which throws {@link java.lang.AssertionError} and needs no
 * JUnit class at run time: {@code Schedules.explore(worlds).schedules(500).assertNoViolation()}; its traces go to
 * {@code target/tdxsim-traces/<TestClass>.<method>.json} and replay in Java ({@code Replayer.replay}).
 */
package tdxsim.stress.junit;
