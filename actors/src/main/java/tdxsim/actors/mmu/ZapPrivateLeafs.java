package tdxsim.actors.mmu;

import java.util.List;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Level;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Spte;

/**
 * kvm_mmu_unmap_gfn_range with KVM_FILTER_PRIVATE → tdp_mmu_zap_leafs on the mirror root, mmu_lock held for
 * write: every present leaf overlapping [start, end) (a huge leaf that crosses the boundary is zapped whole, which
 * is why callers split first) is set non-present with tdp_mmu_set_spte, which calls remove_external_spte →
 * {@link TdxSept#removePrivateSpte} (BLOCK, TRACK + kick, REMOVE, WBINVD, clear). Page tables stay. Infallible: a
 * SEAMCALL error is a KVM_BUG_ON [S16]. A batch that zapped anything ends, still under the lock, with
 * kvm_flush_remote_tlbs: TDX has no flush_remote_tlbs hook, so KVM falls back to kvm_make_all_cpus_request(kvm,
 * KVM_REQ_TLB_FLUSH), which kicks every vCPU in guest mode and waits for it [LNX kvm_main.c].
 */
public final class ZapPrivateLeafs {
  private ZapPrivateLeafs() {}

  public static void run(KvmContext ctx, long start, long end, Runnable done) {
    ctx.assertWriteLocked("tdp_mmu_zap_leafs");
    ctx.collectLeafs(start, end, leafs -> zapNext(ctx, leafs, 0, leafs.isEmpty() ? done : () -> {
      ctx.flow(Flow.FLUSH_REMOTE_TLBS, start, Level.PG_LEVEL_4K);
      ctx.kickAllVcpus(false, done);
    }));
  }

  private static void zapNext(KvmContext ctx, List<KvmReply.Leaf> leafs, int i, Runnable done) {
    if (i == leafs.size()) {
      done.run();
      return;
    }
    KvmReply.Leaf leaf = leafs.get(i);
    ctx.writeSpte(leaf.gfn(), leaf.level(), Spte.SHADOW_NONPRESENT_VALUE, w ->
        TdxSept.removePrivateSpte(ctx, leaf.gfn(), leaf.level(), leaf.pfn(), () -> {
          ctx.flow(Flow.ZAP, leaf.gfn(), leaf.level());
          Runnable next = () -> zapNext(ctx, leafs, i + 1, done);
          if (ctx.config().has(DesignOption.MUT_CLEAR_INHIBIT_ON_ZAP)) {
            clearGuestInhibit(ctx, leaf.gfn(), next);
          } else {
            next.run();
          }
        }));
  }

  /**
   * Mutation 8: the zap also clears KVM_LPAGE_GUEST_INHIBIT_FLAG of the 2M and 1G ranges around the leaf, as if
   * the guest's ACCEPT level went away with the mapping; the flag is meant to be one-way [S5-40].
   */
  private static void clearGuestInhibit(KvmContext ctx, long gfn, Runnable k) {
    ctx.updateLpageInfo(gfn, Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, false, () ->
        ctx.updateLpageInfo(gfn, Level.PG_LEVEL_1G, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, false, k));
  }
}
