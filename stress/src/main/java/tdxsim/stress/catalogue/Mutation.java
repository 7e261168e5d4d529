package tdxsim.stress.catalogue;

import java.util.List;

/**
 * One protocol mutation of docs/domain-tdx-huge-pages.md section 4: a deliberate break of the baseline that the generic
 * invariants must flag on its scenario.
 *
 * @param id the section-4 number (1 .. 10)
 * @param option the {@code --option} name that switches it on
 * @param title one line
 * @param scenario a built-in scenario small enough that the break shows within a few hundred schedules
 * @param invariants invariant ids, any of which counts as caught
 */
public record Mutation(int id, String option, String title, String scenario, List<String> invariants) {
  public Mutation {
    invariants = List.copyOf(invariants);
  }
}
