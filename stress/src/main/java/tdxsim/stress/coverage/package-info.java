/**
 * {@code --coverage FILE}: the protocol tuples a run reached, counted by a {@link
 * tdxsim.stress.coverage.CoverageMonitor} in front of each TD's checker from the observations the actors already
 * publish, and the tuples of a known universe it never reached ({@link tdxsim.stress.coverage.Coverage}).
 */
package tdxsim.stress.coverage;
