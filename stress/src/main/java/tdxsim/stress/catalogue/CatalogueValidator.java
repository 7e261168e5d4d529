package tdxsim.stress.catalogue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tdxsim.actors.invariants.Invariant;
import tdxsim.stress.runtime.RuntimeViolations;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;

/**
 * Checks that every name in a parsed catalogue exists: scenarios are built-ins (a catalogue entry must mean the
 * same on every machine, so no file paths), option sets load on their scenario (through the same
 * {@link ScenarioLoader} as {@code --option}, so whatever the command line accepts is accepted here), invariants are
 * checker or runtime invariants, counters are counters, and ids are unique. The first problem is one line.
 */
final class CatalogueValidator {
  private static final Set<String> RUNTIME_INVARIANTS = Set.of(RuntimeViolations.STEP_BUDGET,
      RuntimeViolations.VIRTUAL_TIME_BUDGET, RuntimeViolations.ACTOR_FAILURE, RuntimeViolations.FOREIGN_THREAD);

  private CatalogueValidator() {}

  static void validate(String source, Catalogue c) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < c.races().size(); i++) {
      Race r = c.races().get(i);
      String at = "races[" + i + "]";
      unique(source, at, ids, r.id());
      scenario(source, at, r.scenario(), List.of());
      for (int j = 0; j < r.exposedBy().size(); j++) {
        Exposure e = r.exposedBy().get(j);
        String eat = at + ".exposed-by[" + j + "]";
        scenario(source, eat, r.scenario(), e.options());
        invariants(source, eat, e.invariants());
      }
    }
    for (int i = 0; i < c.mutations().size(); i++) {
      Mutation m = c.mutations().get(i);
      String at = "mutations[" + i + "]";
      // one section-4 number may have several mutations (7: skip BLOCK, TRACK or the kick): unique per option
      unique(source, at, ids, "M" + m.id() + " " + m.option());
      scenario(source, at, m.scenario(), List.of(m.option()));
      invariants(source, at, m.invariants());
    }
    Set<String> comparisonIds = new HashSet<>();
    for (int i = 0; i < c.comparisons().size(); i++) {
      Comparison cmp = c.comparisons().get(i);
      String at = "comparisons[" + i + "]";
      unique(source, at, comparisonIds, cmp.id());
      Set<String> names = new HashSet<>();
      for (int j = 0; j < cmp.variants().size(); j++) {
        Variant v = cmp.variants().get(j);
        String vat = at + ".variants[" + j + "]";
        if (!names.add(v.name())) throw error(source, vat + ".name", "duplicate variant name \"" + v.name() + "\"");
        scenario(source, vat, cmp.scenario(), v.options());
      }
      for (int j = 0; j < cmp.rows().size(); j++) {
        String row = cmp.rows().get(j);
        if (!CounterNames.known(row)) {
          throw error(source, at + ".rows[" + j + "]",
              "unknown counter \"" + row + "\" (expected " + CounterNames.describe() + ")");
        }
      }
    }
  }

  private static void unique(String source, String at, Set<String> seen, String id) {
    if (!seen.add(id)) throw error(source, at + ".id", "duplicate id " + id);
  }

  private static void scenario(String source, String at, String scenario, List<String> options) {
    if (!ScenarioLoader.BUILT_INS.contains(scenario)) {
      throw error(source, at + ".scenario", "no built-in scenario \"" + scenario + "\" (built-ins: "
          + String.join(", ", ScenarioLoader.BUILT_INS) + ")");
    }
    try {
      ScenarioLoader.load(scenario, options);
    } catch (ScenarioException e) {
      throw error(source, at + (options.isEmpty() ? ".scenario" : ".options"), e.getMessage());
    }
  }

  private static void invariants(String source, String at, List<String> invariants) {
    for (int k = 0; k < invariants.size(); k++) {
      String id = invariants.get(k);
      if (Invariant.byId(id).isEmpty() && !RUNTIME_INVARIANTS.contains(id)) {
        throw error(source, at + ".invariants[" + k + "]",
            "unknown invariant \"" + id + "\" (see ./tdxsim list)");
      }
    }
  }

  private static CatalogueException error(String source, String at, String problem) {
    return new CatalogueException("catalogue " + source + ": " + at + ": " + problem);
  }
}
