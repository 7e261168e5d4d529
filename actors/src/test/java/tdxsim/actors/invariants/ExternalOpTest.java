package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tdxsim.actors.invariants.Script.K4;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdxStatus;

/** mmu.single-external-op: external ops happen inside exactly one freeze; BUSY -> retry is legal [S5-02, R1]. */
class ExternalOpTest {
  static Optional<String> id(Optional<Violation> v) {
    return v.map(Violation::invariant);
  }

  @ParameterizedTest
  @EnumSource(value = SeamcallLeaf.class, names = {"TDH_MEM_PAGE_AUG", "TDH_MEM_SEPT_ADD"})
  void externalOpWithoutFreezeFires(SeamcallLeaf leaf) {
    Script s = InvariantCatalogueTest.base(new Script(2)).fault(0, R(1), M2).lock("vcpu-0", LockMode.SHARED);
    s.seamcall(leaf, R(0), M2, TdxStatus.TDX_OPERAND_BUSY, "vcpu-0");
    assertEquals(Optional.of(Invariant.MMU_SINGLE_EXTERNAL_OP.id()), id(s.result()));
  }

  @Test
  void freezingAFrozenSpteFires() {
    Script s = InvariantCatalogueTest.base(new Script(2)).lock("vcpu-0", LockMode.SHARED);
    s.setSpte(R(0), M2, Spte.FROZEN_SPTE).step();
    s.obs(new tdxsim.actors.monitor.MmuObservation.SpteChanged(R(0), M2, Spte.SHADOW_NONPRESENT_VALUE,
        Spte.FROZEN_SPTE));
    assertEquals(Optional.of(Invariant.MMU_SINGLE_EXTERNAL_OP.id()), id(s.result()));
  }

  @Test
  void busyAugRolledBackAndRetriedInANewFreezeIsLegal() {
    Script s = InvariantCatalogueTest.base(new Script(2)).lock("vcpu-0", LockMode.SHARED);
    s.setSpte(R(0), K4, Spte.FROZEN_SPTE).step();
    s.seamcall(SeamcallLeaf.TDH_MEM_SEPT_ADD, R(0), M2, TdxStatus.TDX_OPERAND_BUSY, "vcpu-0");
    assertEquals(Optional.of(Invariant.MMU_SINGLE_EXTERNAL_OP.id()), id(s.result()),
        "SEPT.ADD at 2M needs the 2M SPTE frozen, not the 4K one");
    Script t = InvariantCatalogueTest.base(new Script(2)).lock("vcpu-0", LockMode.SHARED);
    t.setSpte(R(0), M2, Spte.FROZEN_SPTE).step();
    t.seamcall(SeamcallLeaf.TDH_MEM_PAGE_AUG, R(0), M2, TdxStatus.TDX_OPERAND_BUSY, "vcpu-0").step();
    t.setSpte(R(0), M2, Spte.SHADOW_NONPRESENT_VALUE).step();
    t.unlock("vcpu-0", LockMode.SHARED).fault(0, R(0), M2);
    assertEquals(Optional.empty(), t.finish());
  }
}
