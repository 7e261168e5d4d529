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

  /**
   * Whether each of its TDs (a host's {@code td-N}, or the whole world when it is one TD) runs on one pool thread at a
   * time: a thread out of work then takes whole TDs only, never single actors of one, and the actors outside a
   * host's TDs start together on thread 0. For worlds whose actors all talk to a few serial ones, as a TD's vCPUs to
   * its guest_memfd, TDX module and checker: split over threads, most of their messages cross threads and cost more
   * than the second thread gives. Other worlds (default) let an idle thread take single actors.
   */
  default boolean tdsOnOneThread() {
    return false;
  }
}
