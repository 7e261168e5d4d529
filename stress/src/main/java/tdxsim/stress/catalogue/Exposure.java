package tdxsim.stress.catalogue;

import java.util.List;

/**
 * Options that expose a race on its scenario, and the invariants allowed to flag it: a run that breaks any other
 * invariant did not show this race (or showed a second bug), which the tests and the table report as such.
 *
 * @param options {@code --option} names switched on together
 * @param invariants invariant ids, any of which counts as caught
 */
public record Exposure(List<String> options, List<String> invariants) {
  public Exposure {
    options = List.copyOf(options);
    invariants = List.copyOf(invariants);
  }
}
