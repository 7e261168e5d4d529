package tdxsim.stress.minimize;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tdxsim.stress.schedule.Decision;

/**
 * Postpones one actor at a time: drops every delivery to it from the candidates. Irrelevant activity (another
 * vCPU's unrelated faults, an IOMMU that is never touched) is scattered all over a trace, where ddmin would need
 * many fine-grained attempts to remove it; here it is one attempt per actor.
 */
final class ActorPass {
  private ActorPass() {}

  static boolean run(Search search) {
    search.pass("actors");
    assert !search.best().decisions().isEmpty() : "an actor pass over an empty schedule";
    Set<String> actors = new LinkedHashSet<>();
    for (Decision d : search.best().decisions()) actors.add(d.receiver());
    boolean improved = false;
    for (String actor : actors) {
      if (search.exhausted()) break;
      List<Decision> without = new ArrayList<>();
      boolean present = false;
      for (Decision d : search.best().decisions()) {
        if (d.receiver().equals(actor)) present = true;
        else without.add(d);
      }
      assert !present || without.size() < search.best().size() : actor + " left nothing out";
      if (present && search.attempt(without)) improved = true;
    }
    return improved;
  }
}
