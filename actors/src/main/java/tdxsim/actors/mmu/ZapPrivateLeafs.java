package tdxsim.actors.mmu;

import java.util.List;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Spte;

/**
 * kvm_mmu_unmap_gfn_range with KVM_FILTER_PRIVATE → tdp_mmu_zap_leafs on the mirror root, mmu_lock held for
 * write: every present leaf overlapping [start, end) (a huge leaf that crosses the boundary is zapped whole, which
 * is why callers split first) is set non-present with tdp_mmu_set_spte, which calls remove_external_spte →
 * {@link TdxSept#removePrivateSpte} (BLOCK, TRACK + kick, REMOVE, WBINVD, clear). Page tables stay. Infallible: a
 * SEAMCALL error is a KVM_BUG_ON [S16].
 */
public final class ZapPrivateLeafs {
  private ZapPrivateLeafs() {}

  public static void run(KvmContext ctx, long start, long end, Runnable done) {
    ctx.assertWriteLocked("tdp_mmu_zap_leafs");
    ctx.collectLeafs(start, end, leafs -> zapNext(ctx, leafs, 0, done));
  }

  private static void zapNext(KvmContext ctx, List<KvmReply.Leaf> leafs, int i, Runnable done) {
    if (i == leafs.size()) {
      done.run();
      return;
    }
    KvmReply.Leaf leaf = leafs.get(i);
    ctx.writeSpte(leaf.gfn(), leaf.level(), Spte.SHADOW_NONPRESENT_VALUE, w ->
        TdxSept.removePrivateSpte(ctx, leaf.gfn(), leaf.level(), leaf.pfn(), () -> {
          ctx.flow("ZAP", leaf.gfn(), leaf.level());
          zapNext(ctx, leafs, i + 1, done);
        }));
  }
}
