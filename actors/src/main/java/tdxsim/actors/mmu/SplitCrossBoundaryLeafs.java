package tdxsim.actors.mmu;

import java.util.function.Consumer;
import java.util.List;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;

/**
 * kvm_split_cross_boundary_leafs(kvm, range, shared) → tdp_mmu_split_huge_pages_root(..., only_cross_boundary) on
 * the mirror root [P3-11, LNX tdp_mmu.c]: every huge leaf that crosses {@code start} or {@code end} is split to 4K.
 * The walk, as the real loop runs it, with mmu_lock held on entry and on return:
 * <ol>
 *   <li>read the SPTE at the walk's position; skip it unless it is a present huge leaf crossing the boundary;</li>
 *   <li>no sp yet: rcu_read_unlock, {@code write_unlock(&kvm->mmu_lock)} (or read_unlock when shared), allocate the
 *       sp and its external_spt (tdp_mmu_alloc_sp_for_split, GFP_KERNEL_ACCOUNT: it may sleep), retake the lock, and
 *       on failure -ENOMEM; else {@code iter.yielded = true; continue}: the walk restarts at the same gfn and reads
 *       the SPTE again, since anyone may have changed it in the window;</li>
 *   <li>split it: TDX's split_external_spte (BLOCK, TRACK + kick, DEMOTE: {@link TdxSept#splitPrivateSpte}), then
 *       the mirror SPTE becomes a non-leaf over 512 4K leafs; the sp is used up and the walk steps on;</li>
 *   <li>at the end an sp that was allocated but found nothing left to split is freed (tdp_mmu_free_sp).</li>
 * </ol>
 * So every split opens a window with mmu_lock released between the walk's first read of the huge leaf and the
 * split ("kvm->mmu_lock may be temporarily released for memory allocation, meaning returning -ENOMEM is possible"
 * [P3-11]). The model's memory for splits is the VM's split page budget ({@code split-cache-pages}: the pages the
 * splits may still allocate, sp + external_spt and their DPAMT pages, one unit per split), which travels with the
 * write lock: the allocation made in the window is taken from it when the lock is retaken, so the check and the
 * take happen under the write lock [C3 §9]. With Dynamic PAMT, v3 drops the lock a second time to top up the per-VM
 * external split cache (topup_external_split_cache, then {@code iter.yielded = true} again [P3-19]); that window is
 * the same as this one and is not opened twice. tdp_mmu_iter_cond_resched at the same place is the same window too.
 * Used by tdx_honor_guest_accept_level (vCPU), the conversion and punch hole (guest_memfd) and the VM-attribute
 * path [P3-13, P3-15, P3-16].
 */
public final class SplitCrossBoundaryLeafs {
  private final KvmContext ctx;
  private final long start;
  private final long end;
  private final Consumer<Errno> done;
  /** An sp allocated in an earlier window and not used yet (the walk's {@code sp}). */
  private boolean sp;

  private SplitCrossBoundaryLeafs(KvmContext ctx, long start, long end, Consumer<Errno> done) {
    assert ctx != null && done != null : "a split without a continuation";
    assert start <= end : "kvm_split_cross_boundary_leafs of [" + start + ", " + end + ")"; // empty is legal
    this.ctx = ctx;
    this.start = start;
    this.end = end;
    this.done = done;
  }

  public static void run(KvmContext ctx, long start, long end, Consumer<Errno> done) {
    if (ctx.held() == LockMode.SHARED && ctx.config().has(DesignOption.NON_BLOCKING_RESIZE)) {
      NonBlockingSplit.run(ctx, start, end, done);
      return;
    }
    ctx.assertWriteLocked("kvm_split_cross_boundary_leafs");
    new SplitCrossBoundaryLeafs(ctx, start, end, done).walk(start);
  }

  /** The walk at {@code pos}: the next present huge leaf crossing the boundary, read under the lock. */
  private void walk(long pos) {
    ctx.assertWriteLocked("kvm_split_cross_boundary_leafs walk");
    assert pos >= start : "the walk went back to " + pos;
    ctx.collectLeafs(pos, end, leafs -> {
      KvmReply.Leaf leaf = firstCrossing(leafs);
      if (leaf == null) {
        finish(null);
      } else if (!sp) {
        allocate(pos, leaf);
      } else {
        split(leaf);
      }
    });
  }

  private KvmReply.Leaf firstCrossing(List<KvmReply.Leaf> leafs) {
    assert start <= end && leafs != null : "kvm_split_cross_boundary_leafs over [" + start + ", " + end + ")";
    for (KvmReply.Leaf l : leafs) {
      if (l.level() == Level.PG_LEVEL_4K) continue;
      boolean crossesStart = l.gfn() < start && start < l.end();
      boolean crossesEnd = l.gfn() < end && end < l.end();
      if (crossesStart || crossesEnd) return l;
    }
    return null;
  }

  /** The window: drop mmu_lock, allocate, retake it, and read the SPTE at the same gfn again. */
  private void allocate(long pos, KvmReply.Leaf leaf) {
    LockMode mode = ctx.held();
    assert !sp && mode == LockMode.EXCLUSIVE : "a second sp, or the window opened under " + mode;
    ctx.flow(Flow.SPLIT_ALLOC_UNLOCK, leaf.gfn(), leaf.level());
    ctx.relock(g -> {
      assert ctx.held() == mode : "the lock came back as " + ctx.held();
      if (!ctx.takeSplitCachePage()) { // if (!sp) { ret = -ENOMEM; break; }, after the lock is retaken
        ctx.flow(Flow.SPLIT_ENOMEM, leaf.gfn(), leaf.level());
        done.accept(Errno.ENOMEM);
        return;
      }
      sp = true;
      walk(pos); // iter.yielded = true; continue
    });
  }

  private void split(KvmReply.Leaf leaf) {
    assert sp && leaf.level() == Level.PG_LEVEL_2M : "a split without an sp, or of " + leaf;
    long sptPfn = ctx.allocSptPfn();
    TdxSept.splitPrivateSpte(ctx, leaf.gfn(), leaf.level(), sptPfn, err -> {
      if (err != null) {
        done.accept(err);
        return;
      }
      ctx.splitHugeSpte(leaf.gfn(), sptPfn, w -> {
        ctx.flow(Flow.SPLIT, leaf.gfn(), leaf.level());
        sp = false;
        walk(leaf.end());
      });
    });
  }

  /** The walk is over: an sp left unused (another context split or zapped the leaf in the window) is freed. */
  private void finish(Errno err) {
    ctx.assertWriteLocked("kvm_split_cross_boundary_leafs: out"); // the walk ends under the lock it began with
    if (sp) {
      ctx.returnSplitCachePage();
      ctx.flow(Flow.SPLIT_SP_FREED, start, Level.PG_LEVEL_4K);
    }
    done.accept(err);
  }
}
