package tdxsim.actors.kvm;

import java.util.function.Consumer;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * KVM's TDX hooks for the mirror root (kvm_x86_ops link_external_spt / set_external_spte / split_external_spte /
 * remove_external_spte), as in arch/x86/kvm/vmx/tdx.c with the huge-page series (v3). Each reports an errno to its
 * continuation (null = 0, success): the enum, never an int.
 */
public final class TdxSept {
  private TdxSept() {}

  /**
   * tdx_sept_link_private_spt: TDH.MEM.SEPT.ADD of the new sp's external_spt for the non-leaf at (gfn, level).
   * TDX_OPERAND_BUSY → -EBUSY (the fault retries); any other error → KVM_BUG_ON, -EIO.
   */
  public static void linkPrivateSpt(KvmContext ctx, long gfn, Level level, long sptPfn, Consumer<Errno> done) {
    ctx.assertLocked("tdx_sept_link_private_spt");
    assert level != Level.PG_LEVEL_4K && level.isAligned(gfn) : "SEPT.ADD links a table at 2M or 1G: " + level;
    assert sptPfn >= 0 && ctx.config().contains(gfn) : "SEPT.ADD of " + sptPfn + " at " + gfn;
    ctx.seamcall(c -> new TdxModuleMsg.TdhMemSeptAdd(gfn, level, sptPfn, c), r -> {
      assert r.leaf() == SeamcallLeaf.TDH_MEM_SEPT_ADD && r.gfn() == gfn && r.level() == level : r;
      ctx.assertLocked("tdx_sept_link_private_spt"); // the read lock is held across the SEAMCALL
      if (TdhDoNoVcpus.tdxOperandBusy(r.status())) {
        done.accept(Errno.EBUSY);
      } else if (!r.status().isSuccess()) {
        ctx.bugOn("KVM_BUG_ON(TDH_MEM_SEPT_ADD)", detail(r), gfn);
        done.accept(Errno.EIO);
      } else {
        ctx.flow(Flow.SEPT_ADD, gfn, level);
        done.accept(null);
      }
    });
  }

  /**
   * tdx_sept_set_private_spte: map pfn at (gfn, level). Before TD_STATE_RUNNABLE it is a build-time
   * TDH.MEM.PAGE.ADD (tdx_mem_page_add, 4K only), afterwards TDH.MEM.PAGE.AUG (tdx_mem_page_aug, 4K or 2M).
   * TDX_OPERAND_BUSY → -EBUSY; any other error → KVM_BUG_ON, -EIO. With the v1 option, TDX takes
   * KVM_PAGES_PER_HPAGE(level) folio references first and puts them back if the SEAMCALL fails [P1-08].
   */
  public static void setPrivateSpte(KvmContext ctx, long gfn, Level level, long pfn, Consumer<Errno> done) {
    ctx.assertLocked("tdx_sept_set_private_spte");
    assert level.isAligned(gfn) && level.isAligned(pfn) : "unaligned " + level + " mapping " + gfn + " -> " + pfn;
    assert pfn >= 0 && ctx.config().contains(gfn) : "tdx_sept_set_private_spte of gfn " + gfn;
    boolean v1Refs = v1Refs(ctx);
    // mutation 9: folio_get(folio) instead of folio_ref_add(folio, KVM_PAGES_PER_HPAGE(level))
    long refs = ctx.config().has(DesignOption.MUT_REFCOUNT_IMBALANCE) ? 1 : level.pages();
    boolean build = !ctx.tdRunnable();
    if (build && level != Level.PG_LEVEL_4K) {
      ctx.bugOn("KVM_BUG_ON(level != PG_LEVEL_4K) in tdx_mem_page_add", level.shortName(), gfn);
      done.accept(Errno.EIO);
      return;
    }
    Runnable issue = () -> ctx.seamcall(
        c -> build ? new TdxModuleMsg.TdhMemPageAdd(gfn, pfn, c) : new TdxModuleMsg.TdhMemPageAug(gfn, level, pfn, c),
        r -> {
          assert r.gfn() == gfn && (build || r.level() == level) : "a SEAMCALL result for another page: " + r;
          assert r.leaf() == (build ? SeamcallLeaf.TDH_MEM_PAGE_ADD : SeamcallLeaf.TDH_MEM_PAGE_AUG) : r;
          ctx.assertLocked("tdx_sept_set_private_spte");
          Errno err = null;
          if (TdhDoNoVcpus.tdxOperandBusy(r.status())) {
            err = Errno.EBUSY;
          } else if (!r.status().isSuccess()) {
            ctx.bugOn(build ? "KVM_BUG_ON(TDH_MEM_PAGE_ADD)" : "KVM_BUG_ON(TDH_MEM_PAGE_AUG)", detail(r), gfn);
            err = Errno.EIO;
          }
          Errno result = err;
          if (result != null && v1Refs) {
            ctx.folioRef(gfn, pfn, refs, -(int) refs, () -> done.accept(result));
          } else {
            done.accept(result);
          }
        });
    if (v1Refs) {
      ctx.folioRef(gfn, pfn, refs, (int) refs, issue);
    } else {
      issue.run();
    }
  }

  /** TDX holds folio references: the v1 option, or its unbalanced mutation [P1-08] (which builds on it). */
  public static boolean v1Refs(KvmContext ctx) {
    assert DesignOption.MUT_REFCOUNT_IMBALANCE.buildsOn().orElse(null) == DesignOption.V1_FOLIO_REFCOUNT
        : "mutation 9 no longer builds on the v1 refcount: v1Refs and DesignOption.buildsOn disagree";
    return ctx.config().has(DesignOption.V1_FOLIO_REFCOUNT) || ctx.config().has(DesignOption.MUT_REFCOUNT_IMBALANCE);
  }

  /**
   * tdx_sept_split_private_spte [P3-08]: with mmu_lock held for write, demote the 2M leaf at gfn into the new
   * sp's external_spt: KVM_BUG_ON unless TD_STATE_RUNNABLE and level 2M; tdh_do_no_vcpus(BLOCK);
   * tdx_track (TRACK + kick); tdh_do_no_vcpus(DEMOTE). No UNBLOCK after a successful DEMOTE. Any error →
   * TDX_BUG_ON, -EIO; TDX_INTERRUPTED_RESTARTABLE included: v3 does not retry it (huge pages are only enabled with
   * ENHANCED_DEMOTE_INTERRUPTIBILITY) [domain 2.5]. MUT_ENDLESS_RESTARTABLE retries it for as long as it comes back
   * (v1) [C2 Open 3].
   */
  public static void splitPrivateSpte(KvmContext ctx, long gfn, Level level, long sptPfn, Consumer<Errno> done) {
    ctx.assertWriteLocked("tdx_sept_split_private_spte");
    assert level.isAligned(gfn) : "unaligned " + level + " split at " + gfn;
    assert sptPfn >= 0 && ctx.config().contains(gfn) : "DEMOTE into " + sptPfn + " at " + gfn;
    if (!ctx.tdRunnable() || level != Level.PG_LEVEL_2M) {
      ctx.bugOn("KVM_BUG_ON(state != TD_STATE_RUNNABLE || level != PG_LEVEL_2M)",
          (ctx.tdRunnable() ? "RUNNABLE" : "not RUNNABLE") + " " + level.shortName(), gfn);
      done.accept(Errno.EIO);
      return;
    }
    blockAndTrack(ctx, gfn, level, () -> demote(ctx, gfn, level, sptPfn, done),
        () -> done.accept(Errno.EIO));
  }

  /** tdh_do_no_vcpus(tdh_mem_page_demote), and v1's endless retry of an interrupted one (mutation 10). */
  private static void demote(KvmContext ctx, long gfn, Level level, long sptPfn, Consumer<Errno> done) {
    TdhDoNoVcpus.run(ctx, c -> new TdxModuleMsg.TdhMemPageDemote(gfn, level, sptPfn, c), demote -> {
      assert demote.leaf() == SeamcallLeaf.TDH_MEM_PAGE_DEMOTE && demote.gfn() == gfn : demote;
      assert demote.level() == level : "the DEMOTE of the " + level + " leaf at " + gfn + " answered " + demote;
      ctx.assertWriteLocked("tdh_do_no_vcpus(tdh_mem_page_demote)");
      if (demote.status() == TdxStatus.TDX_INTERRUPTED_RESTARTABLE
          && ctx.config().has(DesignOption.MUT_ENDLESS_RESTARTABLE)) {
        ctx.flow(Flow.DEMOTE_RESTART, gfn, level); // v1: do { ... } while (err == TDX_INTERRUPTED_RESTARTABLE)
        demote(ctx, gfn, level, sptPfn, done);
        return;
      }
      if (!demote.status().isSuccess()) {
        ctx.bugOn("TDX_BUG_ON_2(TDH_MEM_PAGE_DEMOTE)", detail(demote), gfn);
        done.accept(Errno.EIO);
        return;
      }
      ctx.flow(Flow.DEMOTE, gfn, level);
      done.accept(null);
    });
  }

  /**
   * The "blocked and tracked" prologue of DEMOTE and REMOVE on a running TD [P3-08]: tdh_do_no_vcpus(BLOCK)
   * (TDX_BUG_ON on error), then tdx_track. MUT_SKIP_BLOCK and MUT_SKIP_TRACK leave one step out (mutation 7).
   */
  private static void blockAndTrack(KvmContext ctx, long gfn, Level level, Runnable tracked, Runnable failed) {
    ctx.assertWriteLocked("tdx_sept_zap_private_spte"); // lockdep_assert_held_write(&kvm->mmu_lock)
    assert level.isAligned(gfn) && level != Level.PG_LEVEL_1G : "BLOCK of " + level + " gfn " + gfn;
    Runnable track = () -> {
      if (ctx.config().has(DesignOption.MUT_SKIP_TRACK)) {
        tracked.run(); // mutation 7b: no tdx_track
        return;
      }
      TdxTrack.run(ctx, gfn, tracked);
    };
    if (ctx.config().has(DesignOption.MUT_SKIP_BLOCK)) {
      track.run(); // mutation 7a: no RANGE.BLOCK
      return;
    }
    TdhDoNoVcpus.run(ctx, c -> new TdxModuleMsg.TdhMemRangeBlock(gfn, level, c), block -> {
      assert block.leaf() == SeamcallLeaf.TDH_MEM_RANGE_BLOCK && block.gfn() == gfn : block;
      assert block.level() == level : "the BLOCK of the " + level + " entry at " + gfn + " answered " + block;
      if (!block.status().isSuccess()) {
        ctx.bugOn("TDX_BUG_ON_2(TDH_MEM_RANGE_BLOCK)", detail(block), gfn);
        failed.run();
        return;
      }
      ctx.flow(Flow.BLOCK, gfn, level);
      track.run();
    });
  }

  /**
   * tdx_sept_remove_private_spte (remove_external_spte, mmu_lock held for write): tdh_do_no_vcpus(BLOCK),
   * tdx_track, tdh_do_no_vcpus(REMOVE), tdh_phymem_page_wbinvd_hkid, tdx_quirk_reset_folio (clear the pages).
   * Every SEAMCALL error is TDX_BUG_ON and the page stays in the S-EPT. v1: folio_put_refs after a successful
   * removal [P1-08]. The zap itself cannot fail.
   */
  public static void removePrivateSpte(KvmContext ctx, long gfn, Level level, long pfn, Runnable done) {
    ctx.assertWriteLocked("tdx_sept_remove_private_spte");
    assert level.isAligned(gfn) && level.isAligned(pfn) : "REMOVE of an unaligned " + level + " leaf at " + gfn;
    assert pfn >= 0 && ctx.config().contains(gfn) : "tdx_sept_remove_private_spte of " + pfn + " at " + gfn;
    blockAndTrack(ctx, gfn, level, () ->
        TdhDoNoVcpus.run(ctx, c -> new TdxModuleMsg.TdhMemPageRemove(gfn, level, c), remove -> {
          assert remove.leaf() == SeamcallLeaf.TDH_MEM_PAGE_REMOVE && remove.gfn() == gfn : remove;
          assert remove.level() == level : "the REMOVE of the " + level + " leaf at " + gfn + " answered " + remove;
          if (!remove.status().isSuccess()) {
            ctx.bugOn("TDX_BUG_ON_2(TDH_MEM_PAGE_REMOVE)", detail(remove), gfn);
            done.run();
            return;
          }
          ctx.flow(Flow.REMOVE, gfn, level);
          ctx.seamcall(c -> new TdxModuleMsg.TdhPhymemPageWbinvd(gfn, level, pfn, c), wb -> {
            ctx.assertWriteLocked("tdh_phymem_page_wbinvd_hkid in tdx_sept_remove_private_spte");
            assert wb.leaf() == SeamcallLeaf.TDH_PHYMEM_PAGE_WBINVD && wb.gfn() == gfn : wb;
            if (!wb.status().isSuccess()) {
              ctx.bugOn("TDX_BUG_ON(TDH_PHYMEM_PAGE_WBINVD)", detail(wb), gfn);
              done.run();
              return;
            }
            ctx.flow(Flow.WBINVD, gfn, level);
            ctx.flow(Flow.CLEAR_PAGE, gfn, level); // tdx_quirk_reset_folio
            if (v1Refs(ctx)) {
              ctx.folioRef(gfn, pfn, level.pages(), -(int) level.pages(), done);
            } else {
              done.run();
            }
          });
        }), done);
  }

  static String detail(SeamcallResult r) {
    assert !r.status().isSuccess() : "a success reported as an error: " + r;
    return r.leaf().abiName() + " " + r.status().name() + " " + r.status().hex();
  }
}
