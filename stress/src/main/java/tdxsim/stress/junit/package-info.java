/**
 * Concurrency tests for CI: a JUnit 5 test explores schedules of a model and, on a violation, fails with a trace
 * that replays exactly. {@link tdxsim.stress.junit.Schedules#explore} is the entry point:
 *
 * <pre>{@code
 * @Test
 * void faultAndConversionNeverInstallAStaleLeaf() {
 *   Schedules.explore(worlds).strategy(StrategyKind.PCT).schedules(500).seed(1).assertNoViolation();
 * }
 * }</pre>
 *
 * <p>The API throws {@link java.lang.AssertionError}, which every test framework reports as a failure, so it
 * needs no JUnit classes at run time (and the tdxsim jar does not ship JUnit). The trace is named after the
 * calling test method, {@code target/tdxsim-traces/<TestClass>.<method>.json}.
 */
package tdxsim.stress.junit;
