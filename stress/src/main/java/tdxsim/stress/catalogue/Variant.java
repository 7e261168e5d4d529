package tdxsim.stress.catalogue;

import java.util.List;

/**
 * One column of a comparison: a design named the way the list names it, and the options that make it.
 *
 * @param name column heading
 * @param options {@code --option} names ({@code []} is the v3 baseline)
 */
public record Variant(String name, List<String> options) {
  public Variant {
    options = List.copyOf(options);
  }
}
