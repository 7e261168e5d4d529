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
    assert next == 0 : "a replay that starts mid-way";
    assert divergence == null : "a replay that starts mid-way";
  }

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public void reset(long scheduleSeed) {
    next = 0;
    divergence = null;
    assert next == 0 : "replay reset to " + next;
  }

  @Override
  public int pick(List<Delivery> enabled) {
    assert divergence == null : "pick after the divergence at " + next;
    assert next >= 0 : "pick after the divergence at " + next;
    assert next <= decisions.size() : "pick after the divergence at " + next;
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
        assert next <= decisions.size() : "replayed " + next + " of " + decisions.size();
        return i;
      }
    }
    divergence = new Divergence(next + 1, d, describe(enabled));
    return -1;
  }

  /** Decisions replayed so far. */
  public int replayed() {
    assert next >= 0 : "replayed " + next + " of " + decisions.size();
    assert next <= decisions.size() : "replayed " + next + " of " + decisions.size();
    return next;
  }

  /** The divergence, or null if every pick matched. */
  public Divergence divergence() {
    assert divergence == null || divergence.step() == next + 1 : "divergence at " + divergence.step() + ", at " + next;
    return divergence;
  }

  private static List<String> describe(List<Delivery> enabled) {
    assert enabled != null : "describe of no enabled list";
    List<String> out = new ArrayList<>(enabled.size());
    for (Delivery e : enabled) {
      out.add(e.receiver() + '#' + e.receiverSeq() + " <- " + e.sender() + ": " + e.messageClass().getSimpleName());
    }
    return out;
  }
}
