package tdxsim.stress.catalogue;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./tdxsim catalogue} found.
 *
 * @param settings what it ran with
 * @param targets one report per race exposure and mutation, in catalogue order
 * @param baselines one report per scenario the races use (empty if baselines were skipped)
 */
public record CatalogueResult(CatalogueSettings settings, List<TargetReport> targets, List<BaselineReport> baselines) {
  public CatalogueResult {
    targets = List.copyOf(targets);
    baselines = List.copyOf(baselines);
  }

  /** Every baseline clean, every target caught, and only by the invariants listed for it. */
  public boolean holds() {
    return targets.stream().allMatch(TargetReport::holds) && baselines.stream().allMatch(BaselineReport::clean);
  }

  /** Why it does not hold, one phrase per problem (empty when it holds). */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    for (TargetReport t : targets) {
      if (t.found() == 0) p.add(t.target().label() + " never caught");
      if (!t.unexpected().isEmpty()) {
        p.add(t.target().label() + " fired unlisted " + String.join(", ", t.unexpected()));
      }
    }
    for (BaselineReport b : baselines) {
      if (!b.clean()) p.add("baseline " + b.scenario() + ": " + b.verdict());
    }
    return p;
  }
}
