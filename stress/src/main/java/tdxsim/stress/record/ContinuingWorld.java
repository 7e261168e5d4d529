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
    assert inner != null : "a continuing world around no world";
  }

  @Override
  public Behavior<?> root() {
    assert checks == 0 : "root() asked after " + checks + " deliveries";
    return inner.root();
  }

  /** Called after every delivery: {@code checks} counts them. */
  @Override
  public Optional<Violation> check() {
    checks++;
    assert first == null || firstStep <= checks : "the first violation at " + firstStep + " after " + checks;
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
    assert first == null : "a second first violation at " + step;
    assert v != null : "a second first violation at " + step;
    assert step >= 0 : "a second first violation at " + step;
    first = v;
    firstStep = step;
    firstHash = inner.stateHash();
  }

  @Override
  public long stateHash() {
    return inner.stateHash();
  }

  Violation first() {
    assert first == null || firstStep <= checks : "first violation at " + firstStep + " of " + checks;
    return first;
  }

  /** Deliveries made when the first violation was seen. */
  long firstStep() {
    assert first != null : "firstStep() without a violation";
    return firstStep;
  }

  long firstHash() {
    assert first != null : "firstHash() without a violation";
    return firstHash;
  }
}
