/** The runtime benchmark ({@link tdxsim.stress.bench.RuntimeBench}). */
package tdxsim.stress.bench;
