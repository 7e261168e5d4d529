package tdxsim.actors.mmu;

import java.util.function.Consumer;
import java.util.function.Supplier;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.SharedLockSept;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.PfResult;
import tdxsim.protocol.Spte;

/**
 * kvm_tdp_mmu_map on the mirror root, with mmu_lock held for read: kvm_mmu_hugepage_adjust, then the walk from
 * the 1G entry down to the goal level, linking missing page tables and installing the leaf, each SPTE update done
 * with tdp_mmu_set_spte_atomic (cmpxchg to FROZEN_SPTE, the external S-EPT op, then the final value, or the old
 * value back if the op failed [S5-02]). One instance per attempt.
 *
 * <p>Steps that are one message each: a READ_ONCE per level, the cmpxchg, the SEAMCALL, the final write. A
 * concurrent fault can therefore freeze an entry between this walk's read and its cmpxchg, exactly as on real
 * CPUs; the loser gets -EBUSY with iter->old_spte refreshed and retries the fault.
 */
public final class TdpMmuMap {
  private final KvmContext ctx;
  private final long gfn;
  /** The pfn backing gfn itself; aligned down to the mapping level when the leaf is made. */
  private final long pfn;
  /** kvm_mmu_max_mapping_level for this fault, evaluated by kvm_mmu_hugepage_adjust under mmu_lock. */
  private final Supplier<Level> maxLevel;
  /** v1 [P1-21]: instead of splitting a huge leaf in the fault path, the vCPU raises its request level. */
  private final Runnable ignoreSharedSplit;
  private Level goalLevel = Level.PG_LEVEL_4K;
  private Level mappedLevel;
  private Consumer<PfResult> done;

  /**
   * @param maxLevel fault->max_level after kvm_mmu_faultin_pfn (folio order, private_max_mapping_level hook)
   * @param ignoreSharedSplit null for the v3 baseline
   */
  public TdpMmuMap(KvmContext ctx, long gfn, long pfn, Level maxLevel, Runnable ignoreSharedSplit) {
    this(ctx, gfn, pfn, () -> maxLevel, ignoreSharedSplit);
    assert maxLevel != null : "fault->max_level unset";
  }

  /**
   * @param maxLevel called once, by kvm_mmu_hugepage_adjust with mmu_lock held for read: the folio order
   *     kvm_mmu_faultin_pfn found, clamped by the gmem_max_mapping_level hook
   */
  public TdpMmuMap(KvmContext ctx, long gfn, long pfn, Supplier<Level> maxLevel, Runnable ignoreSharedSplit) {
    assert ctx != null && gfn >= 0 && pfn >= 0 : "kvm_tdp_mmu_map of gfn " + gfn + " pfn " + pfn;
    this.ctx = ctx;
    this.gfn = gfn;
    this.pfn = pfn;
    this.maxLevel = maxLevel;
    this.ignoreSharedSplit = ignoreSharedSplit;
  }

  /** The level of the leaf this attempt installed or found (valid after RET_PF_FIXED / RET_PF_SPURIOUS). */
  public Level mappedLevel() {
    return mappedLevel;
  }

  public Level goalLevel() {
    return goalLevel;
  }

  public void run(Consumer<PfResult> done) {
    ctx.assertLocked("kvm_tdp_mmu_map");
    assert this.done == null && mappedLevel == null : "one kvm_tdp_mmu_map per attempt";
    this.done = done;
    // The first READ_ONCE of the walk also brings lpage_info(gfn, 2M); lpage_info only changes under the write
    // lock, so reading it here is the same as kvm_mmu_hugepage_adjust reading it just before the walk.
    ctx.readSpte(gfn, Level.PG_LEVEL_1G, v -> {
      hugepageAdjust(v.disallowLpage2M());
      atLevel(Level.PG_LEVEL_1G, v.spte());
    });
  }

  /**
   * kvm_mmu_hugepage_adjust: req_level = kvm_mmu_max_mapping_level (the folio order from kvm_mmu_faultin_pfn and
   * the gmem_max_mapping_level hook, called here, under read_lock(mmu_lock)) [LNX mmu.c], lowered to the largest
   * level whose lpage_info.disallow_lpage is 0 (KVM_LPAGE_MIXED_FLAG, KVM_LPAGE_GUEST_INHIBIT_FLAG); goal_level =
   * req_level. 1G mappings are not supported for TDX, so max_level is at most 2M.
   */
  private void hugepageAdjust(int disallowLpage2M) {
    ctx.assertLocked("kvm_mmu_hugepage_adjust"); // the gmem_max_mapping_level hook runs under mmu_lock
    goalLevel = Level.PG_LEVEL_4K;
    if (maxLevel.get() == Level.PG_LEVEL_4K) return;
    goalLevel = disallowLpage2M != 0 ? Level.PG_LEVEL_4K : Level.PG_LEVEL_2M;
    assert maxLevel.get() != Level.PG_LEVEL_1G : "1G mappings are not supported for TDX";
    assert disallowLpage2M == 0 || goalLevel == Level.PG_LEVEL_4K : "a 2M goal over disallow_lpage";
  }

  /** One iteration of for_each_tdp_pte at {@code level}, with iter.old_spte = {@code old}. */
  private void atLevel(Level level, Spte old) {
    ctx.assertLocked("for_each_tdp_pte in kvm_tdp_mmu_map");
    assert old != null && done != null : "a walk step after kvm_tdp_mmu_map returned";
    assert level.compareTo(goalLevel) >= 0 : "the walk went below the goal level " + goalLevel + " to " + level;
    // disallowed_hugepage_adjust is called for every fault on a mirror root: never map a huge leaf over an
    // existing non-leaf, i.e. never promote [P1-10, P3-06, S06]. Mutation 3 leaves it out.
    boolean adjust = !ctx.config().has(DesignOption.MUT_MIRROR_PROMOTION);
    if (adjust && level != Level.PG_LEVEL_4K && level == goalLevel && old.isPresent() && !old.isLeaf()) {
      goalLevel = goalLevel.lower();
    }
    if (old.isFrozen()) { // another thread froze it: give up and retry
      ctx.flow(Flow.FROZEN_RETRY, level.base(gfn), level);
      finish(PfResult.RET_PF_RETRY);
      return;
    }
    if (level == goalLevel) {
      mapTargetLevel(level, old);
      return;
    }
    if (old.isPresent() && !old.isLeaf()) {
      stepDown(level);
      return;
    }
    if (old.isPresent()) {
      splitHugePageShared(level, old);
      return;
    }
    // tdp_mmu_alloc_sp + kvm_mmu_alloc_external_spt, then tdp_mmu_link_sp
    Spte nonLeaf = Spte.nonLeaf(ctx.allocSptPfn());
    setSpteAtomic(level, old, nonLeaf, err -> {
      if (err != null) {
        finishError(err);
        return;
      }
      stepDown(level);
    });
  }

  private void stepDown(Level level) {
    assert level != Level.PG_LEVEL_4K : "no level below 4K";
    Level lower = level.lower();
    ctx.readSpte(gfn, lower, v -> atLevel(lower, v.spte()));
  }

  /**
   * A huge leaf where a smaller goal level is wanted. v3: tdp_mmu_split_huge_page(shared = true) freezes the leaf,
   * and TDX rejects a split under the shared lock (WARN, -EOPNOTSUPP) [P3-09], so the old leaf is restored and
   * the fault retries: the split belongs to tdx_honor_guest_accept_level under the write lock. v1 [P1-21]: set the
   * vCPU's request level to 2M and return -EBUSY.
   */
  private void splitHugePageShared(Level level, Spte old) {
    assert old.isLeaf() && level.compareTo(goalLevel) > 0 : "only a huge leaf above the goal is split: " + old;
    if (ignoreSharedSplit != null) {
      ignoreSharedSplit.run();
      ctx.flow(Flow.IGNORE_SHARED_SPLIT, level.base(gfn), level);
      finishError(Errno.EBUSY);
      return;
    }
    if (ctx.config().has(DesignOption.MUT_DEMOTE_SHARED_LOCK)) {
      splitUnderReadLock(level, old);
      return;
    }
    long base = level.base(gfn);
    if (ctx.config().has(DesignOption.NON_BLOCKING_RESIZE)) { // the reject P3-09 keeps until the feature exists
      NonBlockingSplit.splitFrozen(ctx, base, old, ctx.allocSptPfn(), err -> {
        if (err == null) stepDown(level);
        else finishError(err);
      });
      return;
    }
    ctx.cmpxchgSpte(base, level, old, Spte.FROZEN_SPTE, r -> {
      if (!r.ok()) {
        finishError(Errno.EBUSY);
        return;
      }
      ctx.flow(Flow.SHARED_SPLIT_EOPNOTSUPP, base, level); // WARN_ON_ONCE in the TDX hook, -EOPNOTSUPP
      ctx.writeSpte(base, level, old, w -> finishError(Errno.EOPNOTSUPP));
    });
  }

  /**
   * Mutation 1: tdp_mmu_split_huge_page(shared = true) with TDX's reject removed: freeze the leaf, BLOCK + TRACK
   * + DEMOTE it under the read lock ({@link SharedLockSept#splitPrivateSpte}), then the non-leaf over 512 4K
   * leaves and the walk steps down into it; if the TDX side failed, the frozen leaf is restored, whatever the
   * S-EPT entry was left in (BLOCKED after a BUSY DEMOTE), and the fault retries.
   */
  private void splitUnderReadLock(Level level, Spte old) {
    assert ctx.config().has(DesignOption.MUT_DEMOTE_SHARED_LOCK) : "a split under the read lock is mutation 1";
    long base = level.base(gfn);
    ctx.cmpxchgSpte(base, level, old, Spte.FROZEN_SPTE, r -> {
      if (!r.ok()) {
        finishError(Errno.EBUSY);
        return;
      }
      long sptPfn = ctx.allocSptPfn(); // tdp_mmu_alloc_sp + kvm_mmu_alloc_external_spt
      SharedLockSept.splitPrivateSpte(ctx, base, level, sptPfn, err -> {
        if (err != null) {
          ctx.writeSpte(base, level, old, w -> finishError(err));
          return;
        }
        ctx.splitFrozenHugeSpte(base, old, sptPfn, w -> {
          ctx.flow(Flow.SHARED_SPLIT, base, level);
          stepDown(level);
        });
      });
    });
  }

  /**
   * Mutation 3: the fault maps a huge leaf over the non-leaf at this level: freeze it, BLOCK + TRACK + PROMOTE
   * ({@link SharedLockSept#promotePrivateSpt}), then the leaf; or the non-leaf back if the TDX side failed.
   */
  private void promote(Level level, Spte old, Spte leaf) {
    assert ctx.config().has(DesignOption.MUT_MIRROR_PROMOTION) : "KVM never promotes on a mirror root";
    assert old.isPresent() && !old.isLeaf() && leaf.isLeaf() : old + " -> " + leaf;
    long base = level.base(gfn);
    ctx.cmpxchgSpte(base, level, old, Spte.FROZEN_SPTE, r -> {
      if (!r.ok()) {
        finishError(Errno.EBUSY);
        return;
      }
      SharedLockSept.promotePrivateSpt(ctx, base, level, err -> ctx.writeSpte(base, level, err == null ? leaf : old,
          w -> {
            if (err != null) {
              finishError(err);
              return;
            }
            mappedLevel = level;
            ctx.flow(Flow.PROMOTE, base, level);
            finish(PfResult.RET_PF_FIXED);
          }));
    });
  }

  /** tdp_mmu_map_handle_target_level. */
  private void mapTargetLevel(Level level, Spte old) {
    assert level == goalLevel : level + " is not the goal " + goalLevel;
    assert !old.isFrozen() : "tdp_mmu_map_handle_target_level on FROZEN_SPTE";
    long base = level.base(gfn);
    Spte leaf = Spte.leaf(pfn & ~(level.pages() - 1));
    if (old.equals(leaf)) {
      mappedLevel = level;
      ctx.flow(Flow.SPURIOUS, base, level);
      finish(PfResult.RET_PF_SPURIOUS);
      return;
    }
    if (old.isPresent() && !old.isLeaf() && ctx.config().has(DesignOption.MUT_MIRROR_PROMOTION)) {
      promote(level, old, leaf);
      return;
    }
    if (old.isPresent()) {
      // set_external_spte_present: KVM_BUG_ON(was_present)
      ctx.bugOn("KVM_BUG_ON(was_present) in set_external_spte_present",
          "old " + old + " new " + leaf + " at " + level.shortName(), base);
      finish(Errno.EIO);
      return;
    }
    setSpteAtomic(level, old, leaf, err -> {
      if (err != null) {
        finishError(err);
        return;
      }
      mappedLevel = level;
      ctx.flow(!ctx.tdRunnable() ? Flow.PAGE_ADD : level == Level.PG_LEVEL_2M ? Flow.AUG_2M : Flow.AUG_4K, base, level);
      finish(PfResult.RET_PF_FIXED);
    });
  }

  /**
   * tdp_mmu_set_spte_atomic on a mirror SPTE (set_external_spte_present): try_cmpxchg64 old → FROZEN_SPTE (failure:
   * -EBUSY), then the external op (link_external_spt / set_external_spte), then write the new SPTE, or restore the
   * old one if the external op failed.
   */
  private void setSpteAtomic(Level level, Spte old, Spte newSpte, Consumer<Errno> k) {
    ctx.assertLocked("tdp_mmu_set_spte_atomic"); // lockdep_assert_held_read(&kvm->mmu_lock)
    assert !old.isFrozen() && !newSpte.isFrozen() : "FROZEN_SPTE is only set by the cmpxchg: " + old + " -> " + newSpte;
    assert newSpte.isPresent() && !old.isPresent() : "set_external_spte_present: KVM_BUG_ON(was_present) " + old;
    long base = level.base(gfn);
    ctx.cmpxchgSpte(base, level, old, Spte.FROZEN_SPTE, r -> {
      if (!r.ok()) {
        if (ctx.config().has(DesignOption.MUT_NO_OLD_SPTE_REFRESH)) {
          // mutation 10: old_spte passed by value (not refreshed) and the same iteration retried in place
          setSpteAtomic(level, old, newSpte, k);
          return;
        }
        k.accept(Errno.EBUSY); // iter->old_spte = r.current()
        return;
      }
      Consumer<Errno> afterExternal =
          err -> ctx.writeSpte(base, level, err == null ? newSpte : old, w -> k.accept(err));
      if (newSpte.isLeaf()) {
        TdxSept.setPrivateSpte(ctx, base, level, newSpte.pfn(), afterExternal);
      } else {
        TdxSept.linkPrivateSpt(ctx, base, level, newSpte.pfn(), afterExternal);
      }
    });
  }

  /** An install error: the VM is bugged (-EIO) or the fault retries (goto retry). */
  private void finishError(Errno err) {
    assert err != null : "an install error without an errno";
    if (err == Errno.EIO || ctx.vmDead()) {
      finish(Errno.EIO);
      return;
    }
    if (err == Errno.EBUSY) ctx.flow(Flow.BUSY_RETRY, gfn, goalLevel);
    finish(PfResult.RET_PF_RETRY);
  }

  private void finish(PfResult r) {
    assert done != null : "kvm_tdp_mmu_map returned twice: " + r;
    assert !PfResult.isDone(r) || mappedLevel != null : r + " without a mapped level";
    Consumer<PfResult> d = done;
    done = null;
    d.accept(r);
  }
}
