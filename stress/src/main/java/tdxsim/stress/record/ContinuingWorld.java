package tdxsim.stress.record;

import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.World;

/**
 * A world for replaying a record: it notes the first violation (with the delivery count and the state hash at
 * that moment) but lets the schedule go on, so that the replay delivers the whole record and ends at the same cut
 * as the parallel run, where the final-state hashes are compared. The prefix up to the first violation is the
 * deterministic trace of the race.
 */
final class ContinuingWorld implements World {
  private final World inner;
  private long checks;
  private Violation first;
  private long firstStep;
  private long firstHash;

  ContinuingWorld(World inner) {
    this.inner = inner;
  }

  @Override
  public Behavior<?> root() {
    return inner.root();
  }

  /** Called after every delivery: {@code checks} counts them. */
  @Override
  public Optional<Violation> check() {
    checks++;
    Optional<Violation> v = inner.check(); // also after the first violation: the world's checks may keep state
    if (first == null && v.isPresent()) note(v.get(), checks);
    return Optional.empty();
  }

  @Override
  public Optional<Violation> atQuiescence() {
    if (first == null) inner.atQuiescence().ifPresent(v -> note(v, checks));
    return Optional.empty();
  }

  private void note(Violation v, long step) {
    first = v;
    firstStep = step;
    firstHash = inner.stateHash();
  }

  @Override
  public long stateHash() {
    return inner.stateHash();
  }

  Violation first() {
    return first;
  }

  /** Deliveries made when the first violation was seen. */
  long firstStep() {
    return firstStep;
  }

  long firstHash() {
    return firstHash;
  }
}
