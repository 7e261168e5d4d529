package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tdxsim.stress.cli.CliRun;

/** {@code ./tdxsim compare}: a side-by-side table per comparison, a JSON line, bad input in one line. */
class CompareCommandTest {
  @Test
  void oneComparisonSideBySide() {
    CliRun r = CliRun.of("compare", "refcount", "--schedules", "2", "--json");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("refcount: "), r.out());
    assertTrue(r.out().contains("no refs + KVM_BUG_ON (v3)"), r.out());
    assertTrue(r.out().contains("folio refcount (v1)"), r.out());
    assertTrue(r.out().contains("\nviolating schedules "), r.out());
    assertTrue(r.out().contains("\nkvm_bug_on "), r.out());
    assertTrue(r.err().contains("refcount / folio refcount (v1): 2 schedules"), r.err());
    assertTrue(r.lastLine().startsWith("{\"command\":\"compare\",\"comparisons\":[{\"id\":\"refcount\""),
        r.lastLine());
  }

  @Test
  void listAndMarkdown() {
    CliRun list = CliRun.of("compare", "--list");
    assertEquals(0, list.exit(), list.toString());
    assertTrue(list.out().startsWith("notifier  "), list.out());
    CliRun md = CliRun.of("compare", "refcount", "--schedules", "1", "--markdown");
    assertEquals(0, md.exit(), md.toString());
    assertTrue(md.out().startsWith("### refcount: "), md.out());
    assertTrue(md.out().contains("| verdict | clean | VIOLATION |"), md.out());
  }

  @Test
  void anUnknownComparisonIsOneLineAndExitTwo() {
    CliRun r = CliRun.of("compare", "nosuch");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("tdxsim compare: no comparison nosuch in the catalogue (known: notifier, "),
        r.err());
    CliRun s = CliRun.of("compare", "--schedules", "0");
    assertEquals(2, s.exit(), s.toString());
  }
}
