package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tdxsim.actors.invariants.Script.BASE;
import static tdxsim.actors.invariants.Script.G1;
import static tdxsim.actors.invariants.Script.K4;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;
import static tdxsim.actors.invariants.Script.pfn;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;

/** The "at rest" definition of sept.mirror-agreement: which pairs agree, and when the check may run. */
class MirrorAgreementTest {
  static Optional<String> id(Optional<Violation> v) {
    return v.map(Violation::invariant);
  }

  static Spte spte(Spte.Kind k) {
    return switch (k) {
      case LEAF -> Spte.leaf(pfn(R(0)));
      case NONLEAF -> Spte.nonLeaf(3);
      case FROZEN -> Spte.FROZEN_SPTE;
      case NONPRESENT -> Spte.SHADOW_NONPRESENT_VALUE;
    };
  }

  @ParameterizedTest(name = "mirror {0} vs S-EPT {1}: fires={2}")
  @CsvSource({
      "LEAF, MAPPED, false", "LEAF, PENDING, false", "LEAF, BLOCKED, true", "LEAF, PENDING_BLOCKED, true",
      "LEAF, BLOCKEDW, true", "LEAF, FREE, true", "LEAF, NL_MAPPED, true",
      "NONLEAF, NL_MAPPED, false", "NONLEAF, NL_BLOCKED, true", "NONLEAF, MAPPED, true", "NONLEAF, FREE, true",
      "NONPRESENT, FREE, false", "NONPRESENT, MAPPED, true", "NONPRESENT, NL_MAPPED, true",
      "NONPRESENT, PENDING_BLOCKED, true"})
  void pairsAreCheckedWhenTheExclusiveLockIsReleased(Spte.Kind mirror, SeptState sept, boolean fires) {
    Script s = new Script(1).setSept(BASE, G1, SeptState.NL_MAPPED).runnable().lock("vmm", LockMode.EXCLUSIVE);
    s.setSpte(R(0), M2, spte(mirror));
    if (sept != SeptState.FREE) s.setSept(R(0), M2, sept);
    assertEquals(Optional.empty(), id(s.step().result()), "deferred while the exclusive lock is held");
    Optional<String> v = id(s.unlock("vmm", LockMode.EXCLUSIVE).result());
    assertEquals(fires ? Optional.of(Invariant.SEPT_MIRROR_AGREEMENT.id()) : Optional.empty(), v);
  }

  @Test
  void aFrozenEntryIsNotAtRestUntilItIsWritten() {
    Script s = InvariantCatalogueTest.base(new Script(2)).fault(0, R(0), M2).lock("vcpu-1", LockMode.SHARED);
    s.setSpte(R(0), M2, Spte.FROZEN_SPTE).step();
    s.setSept(R(0), M2, SeptState.PENDING_BLOCKED).step();
    assertEquals(Optional.empty(), id(s.result()));
    s.setSept(R(0), M2, SeptState.PENDING).step(); // UNBLOCK before the rollback: legal
    assertEquals(Optional.empty(), id(s.setSpte(R(0), M2, Spte.leaf(pfn(R(0)))).result()));
  }

  @Test
  void preMappedLeavesMustBeAddedBeforeFinalize() {
    Script s = new Script(1).setup(1).lock("vmm", LockMode.SHARED);
    s.install("vmm", R(0), K4); // AUG-less pre-map is modelled as AUG here; undo the S-EPT side:
    s.setSept(R(0), K4, SeptState.FREE).unlock("vmm", LockMode.SHARED);
    assertEquals(Optional.empty(), id(s.result()), "a pre-mapped leaf faces a FREE entry at build time");
    assertEquals(Optional.of(Invariant.SEPT_MIRROR_AGREEMENT.id()), id(s.runnable().result()),
        "TDH.MR.FINALIZE with a leaf never PAGE.ADDed");
  }

  @Test
  void levelsOneSideNeverReportsAreNotCompared() {
    // the module reports its 1G roots; a mirror that never reports 1G entries is not compared there
    Script s = new Script(1).setup(1).runnable().fault(0, R(0) + 1, K4);
    s.setSept(BASE + 0x40000, G1, SeptState.NL_MAPPED).step();
    assertEquals(Optional.empty(), id(s.result()));
  }
}
