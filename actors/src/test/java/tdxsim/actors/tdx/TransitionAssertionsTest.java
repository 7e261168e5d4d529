package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.protocol.Level.PG_LEVEL_1G;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;

import org.junit.jupiter.api.Test;

/**
 * The model's {@code assert} statements are on in the test run (surefire's enableAssertions, explicit in the
 * root pom): an S-EPT transition the module's state table forbids, or a second lock by the same op, throws.
 */
class TransitionAssertionsTest {
  private static final long BASE = 0x40000;

  @Test
  void assertionsAreEnabled() {
    boolean on = false;
    assert on = true;
    assertTrue(on, "run the tests with -ea");
  }

  @Test
  void aTransitionTheStateTableForbidsFailsLoudly() {
    SecureEpt ept = new SecureEpt(TdxModuleConfig.of(1, BASE, PG_LEVEL_1G.pages()), o -> {});
    SeptEntry free = ept.entry(BASE, PG_LEVEL_2M);
    assertThrows(AssertionError.class, () -> ept.accepted(free), "ACCEPT commit of a FREE entry");
    assertThrows(AssertionError.class, () -> ept.remove(free), "REMOVE of a FREE entry");
    assertThrows(AssertionError.class, () -> ept.pageAdd(free, 0x200), "PAGE.ADD at 2M");
    assertThrows(AssertionError.class, () -> ept.aug(free, 0x201), "AUG of a pfn not aligned to 2M");
  }

  @Test
  void aTdcallWithNoAcceptInFlightFailsTheModuleInvariant() {
    TdxModuleState s = new TdxModuleState(TdxModuleConfig.of(1, BASE, PG_LEVEL_1G.pages()), o -> {});
    assertTrue(s.invariant());
    s.vcpu(0).guestOp = s.mintOpId(); // the vCPU executes a TDCALL whose ACCEPT is not in flight
    assertThrows(AssertionError.class, s::invariant);
  }

  @Test
  void anOpThatLocksItsEntryTwiceFailsLoudly() {
    SeptEntry e = new SeptEntry(BASE, PG_LEVEL_4K);
    assertTrue(e.tryLockHost(7));
    assertThrows(AssertionError.class, () -> e.tryLockHost(7));
  }
}
