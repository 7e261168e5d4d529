package tdxsim.stress.catalogue;

import java.util.List;
import tdxsim.actors.invariants.InvariantChecker;

/**
 * Which checker counters a comparison may show. The summary keys always exist; the detail keys ({@code flow.*},
 * {@code conversion.*}, {@code seamcall.*}, {@code expected.*}: a scenario's expected violations) appear only once something counted them, so a detail key can only be
 * checked for its family: a misspelt summary key is refused, a detail key that never fires reads 0.
 */
public final class CounterNames {
  /** Rows of a comparison that names none. */
  public static final List<String> DEFAULT_ROWS =
      List.of("faults", "accepts", "mirror.splits", "mirror.zaps", "conversions", "conversions.failed", "kvm_bug_on");

  private static final List<String> DETAIL_PREFIXES = List.of("flow.", "conversion.", "seamcall.", "expected.");

  private CounterNames() {}

  public static boolean known(String name) {
    if (InvariantChecker.counterSummaryKeys().contains(name)) return true;
    for (String p : DETAIL_PREFIXES) {
      if (name.startsWith(p) && name.length() > p.length()) return true;
    }
    return false;
  }

  /** For error messages. */
  static String describe() {
    return "a summary counter (" + String.join(", ", InvariantChecker.counterSummaryKeys()) + ") or a "
        + String.join("/", DETAIL_PREFIXES.stream().map(p -> p + "*").toList()) + " detail counter";
  }
}
