package tdxsim.stress.strategy;

import java.util.List;
import tdxsim.stress.schedule.Decision;

/**
 * Where a replay left its trace: at step {@code step} (1-based) the trace expected {@code expected} (null if the
 * trace had ended) but the runtime offered {@code enabled} (empty if the run had ended).
 */
public record Divergence(long step, Decision expected, List<String> enabled) {
  public Divergence {
    enabled = List.copyOf(enabled);
    assert step >= 1 : "a divergence at step " + step;
  }

  /** One line. */
  public String describe() {
    assert step >= 1 : "divergence " + step;
    assert enabled != null : "divergence " + step;
    String exp = expected == null ? "the end of the trace" : expected.toString();
    String got = enabled.isEmpty() ? "nothing enabled" : "enabled " + enabled;
    return "diverged at step " + step + ": expected " + exp + ", but " + got;
  }
}
