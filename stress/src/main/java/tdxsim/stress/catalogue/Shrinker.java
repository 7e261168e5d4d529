package tdxsim.stress.catalogue;

import java.util.Optional;

/**
 * The seam between the catalogue and the minimizer: the catalogue asks for one counterexample per target to be
 * shrunk, and shows "n/a" when none comes back ({@link #NONE}, or a minimizer that could not).
 */
@FunctionalInterface
public interface Shrinker {
  /** No minimization: the column reads "n/a". */
  Shrinker NONE = hunt -> Optional.empty();

  /** Shrinks {@code hunt}'s counterexample, which must exist; empty if it could not. */
  Optional<Shrunk> shrink(Hunt hunt);
}
