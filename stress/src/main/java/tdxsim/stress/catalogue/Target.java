package tdxsim.stress.catalogue;

import java.util.List;

/**
 * Something the simulator must catch, whichever catalogue section it came from: a scenario with options switched
 * on, and the invariants that count as catching it. Races' exposures and mutations are hunted the same way, so
 * the tests and the command treat them alike.
 *
 * @param kind where it came from
 * @param id {@code R2} or {@code M5}
 * @param title the race's or mutation's title
 * @param scenario built-in scenario
 * @param options {@code --option} names
 * @param invariants any of these firing counts as caught
 */
public record Target(Kind kind, String id, String title, String scenario, List<String> options,
    List<String> invariants) {

  /** The catalogue section. */
  public enum Kind {
    RACE,
    MUTATION
  }

  public Target {
    options = List.copyOf(options);
    invariants = List.copyOf(invariants);
  }

  static Target of(Race r, Exposure e) {
    return new Target(Kind.RACE, r.id(), r.title(), r.scenario(), e.options(), e.invariants());
  }

  static Target of(Mutation m) {
    return new Target(Kind.MUTATION, "M" + m.id(), m.title(), m.scenario(), List.of(m.option()), m.invariants());
  }

  /** "R2 v1-ignore-shared-split on small": what a test name or a progress line says. */
  public String label() {
    return id + " " + String.join("+", options) + " on " + scenario;
  }

  public boolean expects(String invariant) {
    return invariants.contains(invariant);
  }

  @Override
  public String toString() {
    return label();
  }
}
