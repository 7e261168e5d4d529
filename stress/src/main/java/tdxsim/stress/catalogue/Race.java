package tdxsim.stress.catalogue;

import java.util.List;

/**
 * One race of docs/domain-tdx-huge-pages.md section 3, as something to run: the v3 baseline must stay clean on its scenario,
 * and every listed design option or mutation must expose it through the invariants given.
 *
 * @param id {@code R1} .. {@code R12}
 * @param title one line
 * @param source the mail keys the race comes from
 * @param scenario a built-in scenario
 * @param baseline the baseline's expected verdict; only {@code clean} exists (a race the v3 design loses would be
 *     a bug report, not a catalogue entry)
 * @param exposedBy option sets that expose it, with their invariants
 */
public record Race(String id, String title, String source, String scenario, String baseline, List<Exposure> exposedBy) {
  public static final String CLEAN = "clean";

  public Race {
    exposedBy = List.copyOf(exposedBy);
  }
}
