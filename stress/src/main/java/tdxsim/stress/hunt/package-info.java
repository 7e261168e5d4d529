/**
 * {@code ./tdxsim hunt}: worlds drawn from a seed (swarm testing, Groce et al., ISSTA 2012) instead of a scenario.
 * {@link tdxsim.stress.hunt.WorldGenerator} writes a world as scenario text, {@link tdxsim.stress.hunt.GuestRules}
 * keeps it to what a guest and a VMM do, {@link tdxsim.stress.hunt.HuntJob} explores a few schedules per world as
 * a range job over world indices (so the verdict does not depend on the workers), and
 * {@link tdxsim.stress.hunt.HuntBenchmark} is {@code ./tdxsim catalogue --hunt}.
 */
package tdxsim.stress.hunt;
