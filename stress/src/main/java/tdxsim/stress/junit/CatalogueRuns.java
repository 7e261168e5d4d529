package tdxsim.stress.junit;

import java.util.ArrayList;
import java.util.List;
import tdxsim.stress.catalogue.Catalogue;
import tdxsim.stress.catalogue.Race;
import tdxsim.stress.catalogue.Target;

/** The race catalogue as {@link TdxSimTest} invocations: each race's clean baseline, then every exposure. */
final class CatalogueRuns {
  /** Schedules a baseline runs at most (the exposures run the annotation's count, stopping at the catch). */
  static final long BASELINE_SCHEDULES = 150;

  private CatalogueRuns() {}

  /** One invocation: no expected invariant means a clean baseline. */
  record Run(String id, String label, String scenario, List<String> options, List<String> expected) {}

  /** The entries whose id is in {@code ids} ({@code "*"}: all), in catalogue order. */
  static List<Run> select(List<String> ids) {
    Catalogue c = Catalogue.load();
    List<Run> out = new ArrayList<>();
    for (Race r : c.races()) {
      if (!Race.CLEAN.equals(r.baseline())) continue;
      out.add(new Run(r.id() + "-baseline", r.id() + " baseline clean on " + r.scenario(), r.scenario(), List.of(),
          List.of()));
    }
    int n = 0;
    for (Target t : c.targets()) {
      out.add(new Run(t.id() + "-" + (++n), t.label(), t.scenario(), t.options(), t.invariants()));
    }
    if (ids.contains("*")) return out;
    List<Run> picked = new ArrayList<>();
    for (Run r : out) {
      if (ids.contains(r.id().substring(0, r.id().indexOf('-')))) picked.add(r);
    }
    if (picked.isEmpty()) throw new IllegalArgumentException("tdxsim: no catalogue entry " + ids);
    return picked;
  }
}
