/**
 * Searches over indices on several deterministic systems: {@link tdxsim.stress.workers.IndexedSearch} runs a
 * {@link tdxsim.stress.workers.RangeJob} (index → outcome: a schedule index for explore, a world index for hunt)
 * in fixed ranges on N threads, each with its own system, and keeps the lowest-index violation, so the verdict,
 * the trace and the hash do not depend on N. {@link tdxsim.stress.workers.RangeBook} is the bookkeeping it shares
 * with the cluster coordinator; {@link tdxsim.stress.workers.ExploreJob} is explore's job.
 */
package tdxsim.stress.workers;
