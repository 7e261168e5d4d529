package tdxsim.stress.runtime;

/** Builds a fresh {@link World} for each schedule; the seed may drive the workload (never the scheduling). */
@FunctionalInterface
public interface WorldFactory {
  World create(long scheduleSeed);
}
