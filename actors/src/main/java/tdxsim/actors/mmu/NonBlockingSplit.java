package tdxsim.actors.mmu;

import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.List;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * kvm_split_cross_boundary_leafs(kvm, range, shared = true) on a module with NON-BLOCKING-RESIZE (the
 * {@code non-blocking-resize} design option): tdp_mmu_split_huge_pages_root's walk with mmu_lock held for read
 * [P3-11, P3-13]. A 2M leaf crossing the boundary is read; a leaf that is not shadow-present (FROZEN by another
 * context) is skipped as the real walk does; with no sp yet the lock is dropped to allocate one (read_unlock,
 * read_lock; the vCPU's cache, topped up outside the lock, never runs dry here) and the SPTE read again. Then
 * tdp_mmu_split_huge_page(shared): the SPTE is frozen with a cmpxchg (a lost one retries), TDX's
 * split_external_spte issues the DEMOTE that needs no BLOCK, TRACK or kick; on BUSY the old SPTE is restored and
 * the walk retries at the same gfn ({@code goto retry}) with the same sp (the walk keeps it until a split uses it,
 * it never allocates another for a retry); there is nothing to UNBLOCK, which is what the feature is for
 * [C3 Restrictions, P3-09]. Any other DEMOTE error is a TDX_BUG_ON, TDX_INTERRUPTED_RESTARTABLE included, as in
 * {@link tdxsim.actors.kvm.TdxSept#splitPrivateSpte} (v3 has huge pages only with ENHANCED_DEMOTE_INTERRUPTIBILITY);
 * mutation 10's v1 retries it.
 */
public final class NonBlockingSplit {
  private final KvmContext ctx;
  private final List<Long> bases = new ArrayList<>();
  private final Consumer<Errno> done;
  /** The sp allocated with the lock dropped (its external_spt page), or -1: kept across a BUSY retry. */
  private long sptPfn = -1;

  private NonBlockingSplit(KvmContext ctx, long start, long end, Consumer<Errno> done) {
    this.ctx = ctx;
    this.done = done;
    // only the 2M leafs around start and end can cross the range's boundary
    if (Level.PG_LEVEL_2M.base(start) != start) bases.add(Level.PG_LEVEL_2M.base(start));
    long tail = Level.PG_LEVEL_2M.base(end);
    if (tail != end && !bases.contains(tail)) bases.add(tail);
    assert bases.size() <= 2 && bases.stream().allMatch(Level.PG_LEVEL_2M::isAligned) : bases;
  }

  static void run(KvmContext ctx, long start, long end, Consumer<Errno> done) {
    if (ctx.held() != LockMode.SHARED) throw new IllegalStateException("a shared split without the read lock");
    new NonBlockingSplit(ctx, start, end, done).visit(0);
  }

  private void visit(int i) {
    assert ctx.held() == LockMode.SHARED : "lockdep_assert_held_read(&kvm->mmu_lock): " + ctx.held();
    assert i >= 0 && i <= bases.size() : i;
    if (i == bases.size()) {
      done.accept(null);
      return;
    }
    long base = bases.get(i);
    ctx.readSpte(base, Level.PG_LEVEL_2M, v -> {
      Spte old = v.spte();
      if (!old.isLeaf()) {
        visit(i + 1);
      } else if (sptPfn < 0) {
        ctx.flow(Flow.SPLIT_ALLOC_UNLOCK, base, Level.PG_LEVEL_2M);
        ctx.relock(g -> {
          sptPfn = ctx.allocSptPfn(); // tdp_mmu_alloc_sp_for_split and its external_spt page
          visit(i);
        });
      } else {
        split(i, base, old);
      }
    });
  }

  private void split(int i, long base, Spte old) {
    assert sptPfn >= 0 && old.isLeaf() : "a split without an sp, or of " + old;
    splitFrozen(ctx, base, old, sptPfn, err -> {
      if (err == Errno.EBUSY) {
        visit(i); // a lost cmpxchg or a BUSY DEMOTE: goto retry, the SPTE read again
      } else if (err != null) {
        done.accept(err);
      } else {
        sptPfn = -1;
        visit(i + 1);
      }
    });
  }

  /**
   * tdp_mmu_split_huge_page(shared = true) of the 2M leaf {@code old} at {@code base} with NON-BLOCKING-RESIZE:
   * freeze it (a lost cmpxchg is -EBUSY), the DEMOTE that needs no BLOCK, then the non-leaf; a BUSY DEMOTE restores
   * the leaf (-EBUSY, nothing to UNBLOCK); any other DEMOTE error is a TDX_BUG_ON (-EIO). Also the fault path's
   * split of a huge leaf in its way, which P3-09's shared-lock reject leaves to this feature. {@code sptPfn}: the
   * sp's external_spt page.
   */
  static void splitFrozen(KvmContext ctx, long base, Spte old, long sptPfn, Consumer<Errno> done) {
    ctx.assertLocked("tdp_mmu_split_huge_page(shared)");
    assert ctx.config().has(DesignOption.NON_BLOCKING_RESIZE) && Level.PG_LEVEL_2M.isAligned(base) && old.isLeaf()
        : "a non-blocking split of " + old + " at " + base;
    ctx.cmpxchgSpte(base, Level.PG_LEVEL_2M, old, Spte.FROZEN_SPTE, r -> {
      if (!r.ok()) {
        done.accept(Errno.EBUSY);
        return;
      }
      ctx.seamcall(c -> new TdxModuleMsg.TdhMemPageDemoteNonBlocking(base, Level.PG_LEVEL_2M, sptPfn, c),
          res -> demoted(ctx, base, old, sptPfn, res, done));
    });
  }

  private static void demoted(KvmContext ctx, long base, Spte old, long sptPfn, SeamcallResult res,
      Consumer<Errno> done) {
    assert res.gfn() == base && res.level() == Level.PG_LEVEL_2M : "the DEMOTE answered for " + res;
    if (res.status().isSuccess()) {
      ctx.splitFrozenHugeSpte(base, old, sptPfn, w -> {
        ctx.flow(Flow.NON_BLOCKING_SPLIT, base, Level.PG_LEVEL_2M);
        done.accept(null);
      });
    } else if (res.status() == TdxStatus.TDX_OPERAND_BUSY || restartable(ctx, res)) {
      ctx.flow(res.status() == TdxStatus.TDX_OPERAND_BUSY ? Flow.NON_BLOCKING_DEMOTE_BUSY : Flow.DEMOTE_RESTART,
          base, Level.PG_LEVEL_2M);
      ctx.writeSpte(base, Level.PG_LEVEL_2M, old, w -> done.accept(Errno.EBUSY)); // restore the leaf
    } else {
      ctx.bugOn("TDX_BUG_ON(TDH_MEM_PAGE_DEMOTE)", res.status().name(), base);
      ctx.writeSpte(base, Level.PG_LEVEL_2M, old, w -> done.accept(Errno.EIO));
    }
  }

  /** Mutation 10 (v1): do { DEMOTE } while (err == TDX_INTERRUPTED_RESTARTABLE); v3 never retries it. */
  private static boolean restartable(KvmContext ctx, SeamcallResult res) {
    return res.status() == TdxStatus.TDX_INTERRUPTED_RESTARTABLE
        && ctx.config().has(DesignOption.MUT_ENDLESS_RESTARTABLE);
  }
}
