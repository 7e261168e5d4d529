package tdxsim.actors.monitor;

import java.util.List;

/**
 * A broken invariant (safety) or a liveness bound that was exceeded. It names the invariant, the actors
 * involved and the gfns, so that a report can say exactly what went wrong where.
 */
public record Violation(String invariant, String detail, List<String> actors, List<Long> gfns) {
  public Violation {
    assert invariant != null && !invariant.isEmpty() && detail != null : "a violation without an invariant: " + detail;
    actors = List.copyOf(actors);
    gfns = List.copyOf(gfns);
  }

  public static Violation of(String invariant, String detail) {
    assert invariant != null : "Violation.of(" + invariant + ", " + detail + ")";
    assert detail != null : "Violation.of(" + invariant + ", " + detail + ")";
    return new Violation(invariant, detail, List.of(), List.of());
  }

  /** A gfn, pfn or hash as the kernel prints it (0x%llx): the one spelling of the reports and the traces. */
  public static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  /** One line: "invariant: detail [actors] gfns 0x200,0x201". */
  public String oneLine() {
    StringBuilder sb = new StringBuilder(invariant).append(": ").append(detail);
    assert actors != null : "a violation without its actor or gfn lists";
    assert gfns != null : "a violation without its actor or gfn lists";
    if (!actors.isEmpty()) sb.append(" [").append(String.join(", ", actors)).append(']');
    if (!gfns.isEmpty()) {
      sb.append(" gfn");
      for (long g : gfns) sb.append(' ').append(hex(g));
    }
    assert sb.length() > invariant.length() + 1 : "the one-line form of " + invariant;
    return sb.toString();
  }
}
