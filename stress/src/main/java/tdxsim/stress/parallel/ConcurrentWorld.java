package tdxsim.stress.parallel;

import java.util.Optional;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.World;

/**
 * A {@link World} whose monitor may be called from many threads at once (the parallel runtime). The runtime calls
 * {@link #check()}, {@link #atQuiescence()} and {@link #stateHash()} only at a consistent cut (every actor paused
 * between two messages), so for them a plain world is enough; this interface adds what the runtime may ask while
 * the actors run.
 */
public interface ConcurrentWorld extends World {

  /**
   * A violation the monitor already saw (the checks it makes as observations arrive), without the checks that
   * need every actor at rest. Thread-safe and cheap: polled while the actors run.
   */
  Optional<Violation> firstViolation();
}
