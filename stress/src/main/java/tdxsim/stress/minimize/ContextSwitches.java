package tdxsim.stress.minimize;

import java.util.List;
import tdxsim.stress.schedule.Decision;

/**
 * Counts context switches: consecutive deliveries to different receivers. Among traces of equal length the one
 * with fewer switches reads better as a race (each switch is a row that changes column), so it is the
 * minimizer's second measure.
 */
public final class ContextSwitches {
  private ContextSwitches() {}

  public static int count(List<Decision> decisions) {
    int n = 0;
    for (int i = 1; i < decisions.size(); i++) {
      if (!decisions.get(i).receiver().equals(decisions.get(i - 1).receiver())) n++;
    }
    assert n >= 0 : n + " switches in " + decisions.size();
    assert (decisions.isEmpty() || n < decisions.size()) : n + " switches in " + decisions.size();
    return n;
  }
}
