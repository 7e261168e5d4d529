package tdxsim.actors.mmu;

import java.util.List;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;

/**
 * kvm_mmu_unmap_gfn_range with KVM_FILTER_PRIVATE → tdp_mmu_zap_leafs on the mirror root, mmu_lock held for
 * write: every present leaf overlapping [start, end) (a huge leaf that crosses the boundary is zapped whole, which
 * is why callers split first) is set non-present with tdp_mmu_set_spte, which calls remove_external_spte →
 * {@link TdxSept#removePrivateSpte} (BLOCK, TRACK + kick, REMOVE, WBINVD, clear). Page tables stay. Infallible: a
 * SEAMCALL error is a KVM_BUG_ON [S16]. A batch that zapped anything ends, still under the lock, with
 * kvm_flush_remote_tlbs: TDX has no flush_remote_tlbs hook, so KVM falls back to kvm_make_all_cpus_request(kvm,
 * KVM_REQ_TLB_FLUSH), which kicks every vCPU in guest mode and waits for it [LNX kvm_main.c].
 *
 * <p>Zaps yield. Every guest_memfd and memory-attribute invalidation passes {@code may_block = true}, so the walk
 * calls tdp_mmu_iter_cond_resched(kvm, &iter, flush, false) at each SPTE: when need_resched() or
 * rwlock_needbreak(&kvm->mmu_lock), and the walk made progress since it last yielded, it flushes the TLBs if
 * anything was zapped since the last flush, then cond_resched_rwlock_write (write_unlock, schedule, write_lock) and
 * restarts at the same gfn, reading the SPTEs again [LNX tdp_mmu.c]. Whether the scheduler wants the CPU is the
 * explorer's choice here: at every batch boundary (a new 2M range, or {@value #BATCH} leafs in one) the zapper
 * releases the lock and asks for it again, so any context whose request the explorer delivers first runs in
 * between, and none does when the zapper's request comes first.
 */
public final class ZapPrivateLeafs {
  /** Leafs zapped in one 2M range before a yield point (4K leafs of a split range). */
  static final int BATCH = 64;
  private final KvmContext ctx;
  private final long end;
  private final Runnable done;
  /** Zapped since the last kvm_flush_remote_tlbs (the walk's {@code flush}). */
  private boolean flush;
  /** Leafs zapped since the last yield point, and the 2M range of the last one. */
  private int batch;
  private long lastRange = -1;

  private ZapPrivateLeafs(KvmContext ctx, long end, Runnable done) {
    assert ctx != null && done != null : "a zap without a continuation";
    this.ctx = ctx;
    this.end = end;
    this.done = done;
  }

  public static void run(KvmContext ctx, long start, long end, Runnable done) {
    ctx.assertWriteLocked("tdp_mmu_zap_leafs");
    assert start <= end : "an inverted zap range [" + start + ", " + end + ")"; // an empty one is legal
    new ZapPrivateLeafs(ctx, end, done).walk(start);
  }

  /** The walk at {@code pos}: read the leafs from there under the lock, and zap them in order. */
  private void walk(long pos) {
    ctx.assertWriteLocked("tdp_mmu_zap_leafs walk");
    assert batch == 0 && !flush : "a walk (re)starts flushed and with an empty batch";
    ctx.collectLeafs(pos, end, leafs -> zapNext(leafs, 0));
  }

  private void zapNext(List<KvmReply.Leaf> leafs, int i) {
    if (i == leafs.size()) {
      flushThen(done);
      return;
    }
    KvmReply.Leaf leaf = leafs.get(i);
    ctx.assertWriteLocked("tdp_mmu_zap_leafs"); // lockdep_assert_held_write(&kvm->mmu_lock)
    assert leaf.level().isAligned(leaf.gfn()) && leaf.level() != Level.PG_LEVEL_1G : "zap of " + leaf;
    assert leaf.gfn() < end : "a leaf past the end of the zap's range: " + leaf + ", end " + end;
    long range = Level.PG_LEVEL_2M.base(leaf.gfn());
    if (batch > 0 && (range != lastRange || batch >= BATCH)) {
      condResched(leaf.gfn()); // leafs after the first start inside the walk's range
      return;
    }
    batch++;
    lastRange = range;
    assert batch <= BATCH : "a batch overran its yield point: " + batch;
    ctx.writeSpte(leaf.gfn(), leaf.level(), Spte.SHADOW_NONPRESENT_VALUE, w ->
        TdxSept.removePrivateSpte(ctx, leaf.gfn(), leaf.level(), leaf.pfn(), () -> {
          ctx.flow(Flow.ZAP, leaf.gfn(), leaf.level());
          flush = true;
          Runnable next = () -> zapNext(leafs, i + 1);
          if (ctx.config().has(DesignOption.MUT_CLEAR_INHIBIT_ON_ZAP)) {
            clearGuestInhibit(leaf.gfn(), next);
          } else {
            next.run();
          }
        }));
  }

  /** tdp_mmu_iter_cond_resched: flush if needed, cond_resched_rwlock_write, restart the walk at {@code pos}. */
  private void condResched(long pos) {
    flushThen(() -> {
      ctx.flow(Flow.ZAP_YIELD, pos, Level.PG_LEVEL_4K);
      assert !flush : "tdp_mmu_iter_cond_resched flushes before it yields";
      ctx.relock(g -> {
        ctx.assertWriteLocked("cond_resched_rwlock_write");
        batch = 0;
        walk(pos);
      });
    });
  }

  private void flushThen(Runnable k) {
    ctx.assertWriteLocked("kvm_flush_remote_tlbs in tdp_mmu_zap_leafs"); // still under the lock
    if (!flush) {
      k.run();
      return;
    }
    flush = false;
    ctx.flow(Flow.FLUSH_REMOTE_TLBS, lastRange, Level.PG_LEVEL_4K);
    ctx.kickAllVcpus(false, k);
  }

  /**
   * Mutation 8: the zap also clears KVM_LPAGE_GUEST_INHIBIT_FLAG of the 2M and 1G ranges around the leaf, as if
   * the guest's ACCEPT level went away with the mapping; the flag is meant to be one-way [S5-40].
   */
  private void clearGuestInhibit(long gfn, Runnable k) {
    assert ctx.config().has(DesignOption.MUT_CLEAR_INHIBIT_ON_ZAP) : "the inhibit flag is one-way (mutation 8)";
    ctx.updateLpageInfo(gfn, Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, false, () ->
        ctx.updateLpageInfo(gfn, Level.PG_LEVEL_1G, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, false, k));
  }
}
