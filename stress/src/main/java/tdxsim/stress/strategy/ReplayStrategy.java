package tdxsim.stress.strategy;

import java.util.ArrayList;
import java.util.List;
import tdxsim.stress.schedule.Decision;

/**
 * Follows recorded decisions, matching each by receiver, sender and message class (not by position in the
 * enabled set), and checks the receiver's sequence number. At the first mismatch it records a {@link Divergence}
 * and ends the schedule.
 */
public final class ReplayStrategy implements Strategy {
  private final List<Decision> decisions;
  private int next;
  private Divergence divergence;

  public ReplayStrategy(List<Decision> decisions) {
    this.decisions = List.copyOf(decisions);
  }

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public void reset(long scheduleSeed) {
    next = 0;
    divergence = null;
  }

  @Override
  public int pick(List<Delivery> enabled) {
    if (next >= decisions.size()) {
      divergence = new Divergence(next + 1, null, describe(enabled));
      return -1;
    }
    Decision d = decisions.get(next);
    for (int i = 0; i < enabled.size(); i++) {
      Delivery e = enabled.get(i);
      if (e.receiver().equals(d.receiver())
          && e.sender().equals(d.sender())
          && e.messageClass().getSimpleName().equals(d.message())
          && e.receiverSeq() == d.seq()) {
        next++;
        return i;
      }
    }
    divergence = new Divergence(next + 1, d, describe(enabled));
    return -1;
  }

  /** Decisions replayed so far. */
  public int replayed() {
    return next;
  }

  /** The divergence, or null if every pick matched. */
  public Divergence divergence() {
    return divergence;
  }

  private static List<String> describe(List<Delivery> enabled) {
    List<String> out = new ArrayList<>(enabled.size());
    for (Delivery e : enabled) {
      out.add(e.receiver() + '#' + e.receiverSeq() + " <- " + e.sender() + ": " + e.messageClass().getSimpleName());
    }
    return out;
  }
}
