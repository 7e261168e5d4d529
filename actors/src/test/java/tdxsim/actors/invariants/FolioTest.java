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
import tdxsim.actors.monitor.GmemObservation.AttributesChanged;
import tdxsim.actors.monitor.GmemObservation.FolioChanged;
import tdxsim.actors.monitor.GmemObservation.FolioRefChanged;
import tdxsim.actors.monitor.GmemObservation.FolioSplit;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdxStatus;

/** Backing folios: freed, reallocated, missing, or split under a mapping [C3 Base; T08; R8, R9]. */
class FolioTest {
  static Optional<String> id(Optional<Violation> v) {
    return v.map(Violation::invariant);
  }

  @Test
  void aMirrorLeafWithAStalePfnFires() {
    Script s = InvariantCatalogueTest.base(new Script(2)).lock("vcpu-0", LockMode.SHARED);
    s.setSpte(R(0), M2, Spte.FROZEN_SPTE).step();
    s.setSept(R(0), M2, SeptState.PENDING).seamcall(SeamcallLeaf.TDH_MEM_PAGE_AUG, R(0), M2,
        TdxStatus.TDX_SUCCESS, "vcpu-0").step();
    s.setSpte(R(0), M2, Spte.leaf(0x777000));
    assertEquals(Optional.of(Invariant.GMEM_FREED_FOLIO_MAPPED.id()), id(s.result()));
  }

  @Test
  void reallocatingAMappedFolioFires() {
    Script s = InvariantCatalogueTest.base(new Script(2)).fault(0, R(0), M2);
    s.obs(new FolioChanged(R(0), M2, 0x555000, true));
    assertEquals(Optional.of(Invariant.GMEM_FREED_FOLIO_MAPPED.id()), id(s.result()));
  }

  @Test
  void aLeafOverMemoryWithNoFolioFires() {
    Script s = new Script(1).setSept(BASE, G1, SeptState.NL_MAPPED).obs(new FolioChanged(R(0), M2, pfn(R(0)), true));
    s.obs(new AttributesChanged(R(0), R(2), true)).runnable().fault(0, R(1) + 1, K4);
    assertEquals(Optional.of(Invariant.GMEM_FREED_FOLIO_MAPPED.id()), id(s.result()));
  }

  @Test
  void splittingAFolioUnderA2mLeafFiresAndAfterTheSplitItDoesNot() {
    Script s = InvariantCatalogueTest.base(new Script(2)).fault(0, R(0), M2).obs(new FolioSplit(R(0)));
    assertEquals(Optional.of(Invariant.MMU_LEVEL_LE_FOLIO.id()), id(s.result()));
    Script t = InvariantCatalogueTest.base(new Script(2)).fault(0, R(0), M2).split("vmm", R(0));
    assertEquals(Optional.empty(), t.obs(new FolioSplit(R(0))).finish());
  }

  @Test
  void aFreshFolioAfterAPunchHoleMayBeMappedAgain() {
    Script s = InvariantCatalogueTest.punch2m(InvariantCatalogueTest.mapped2m(new Script(2)), R(0), R(1));
    s.obs(new FolioChanged(R(0), M2, 0x900000, true)).step();
    s.lock("vcpu-0", LockMode.SHARED);
    s.setSpte(R(0), M2, Spte.FROZEN_SPTE).step();
    s.setSept(R(0), M2, SeptState.PENDING).seamcall(SeamcallLeaf.TDH_MEM_PAGE_AUG, R(0), M2,
        TdxStatus.TDX_SUCCESS, "vcpu-0").step();
    s.setSpte(R(0), M2, Spte.leaf(0x900000)).step();
    assertEquals(Optional.empty(), s.unlock("vcpu-0", LockMode.SHARED).finish());
  }

  @Test
  void aMergeBackToTheHugeOrderKeepsTheTdxRefsOfItsPieces() {
    // v1 refs on a 4K piece of a split folio, then kvm_gmem_restructure merges it back: the refs stay with the
    // 2M folio, so the later folio_put_refs does not underflow and nothing counts as freed [P1-08, GMEM-BASE].
    Script s = InvariantCatalogueTest.base(new Script(2)).obs(new FolioSplit(R(0)));
    s.obs(new FolioRefChanged(pfn(R(0)) + 7, 1, 1));
    s.obs(new FolioChanged(R(0), M2, pfn(R(0)), true));
    s.obs(new FolioRefChanged(pfn(R(0)), -1, 0));
    assertEquals(Optional.empty(), id(s.result()));
  }
}
