package tdxsim.actors.kvm;

import java.util.function.Consumer;
import java.util.function.Function;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * What the TDX hooks would do if they accepted S-EPT structure changes under mmu_lock held for read, as two
 * protocol mutations have them do (v3 never does: "KVM never removes S-EPT entries under read-lock", and
 * tdx_sept_split_private_spte WARNs and returns -EOPNOTSUPP for a shared-lock split [P3-09]):
 * <ul>
 *   <li>mutation 1, {@link #splitPrivateSpte}: tdx_sept_split_private_spte without its mmu_lock_shared reject;</li>
 *   <li>mutation 3, {@link #promotePrivateSpt}: a non-leaf replaced by a huge leaf (TDH.MEM.PAGE.PROMOTE) on the
 *       mirror root.</li>
 * </ul>
 * Without the write lock tdh_do_no_vcpus is not available (it asserts it: holding vCPUs out while others may
 * fault needs the exclusive lock), so every SEAMCALL is issued once: TDX_OPERAND_BUSY (or an interrupted or
 * epoch-busy TRACK/DEMOTE) becomes -EBUSY and the fault retries, any other error is TDX_BUG_ON. A failure after
 * the BLOCK leaves the entry BLOCKED: the UNBLOCK that would undo it can itself BUSY [C2 Open 2].
 */
public final class SharedLockSept {
  private SharedLockSept() {}

  /** Mutation 1: BLOCK, TRACK + kick, DEMOTE of the 2M leaf at gfn, with mmu_lock held for read. */
  public static void splitPrivateSpte(KvmContext ctx, long gfn, Level level, long sptPfn, Consumer<Errno> done) {
    ctx.assertLocked("tdx_sept_split_private_spte");
    assert ctx.config().has(DesignOption.MUT_DEMOTE_SHARED_LOCK) : "v3 rejects a split under the read lock [P3-09]";
    assert level == Level.PG_LEVEL_2M && level.isAligned(gfn) : "a shared split of " + level + " at " + gfn;
    blockTrackKick(ctx, gfn, level, () -> once(ctx, "TDH_MEM_PAGE_DEMOTE",
        c -> new TdxModuleMsg.TdhMemPageDemote(gfn, level, sptPfn, c), Flow.DEMOTE, done), done);
  }

  /** Mutation 3: BLOCK, TRACK + kick, PROMOTE of the non-leaf at (gfn, level), with mmu_lock held for read. */
  public static void promotePrivateSpt(KvmContext ctx, long gfn, Level level, Consumer<Errno> done) {
    ctx.assertLocked("tdx_sept_promote_private_spt");
    assert ctx.config().has(DesignOption.MUT_MIRROR_PROMOTION) : "KVM never promotes on a mirror root";
    assert level != Level.PG_LEVEL_4K && level.isAligned(gfn) : "PROMOTE at " + level + " gfn " + gfn;
    blockTrackKick(ctx, gfn, level, () -> once(ctx, "TDH_MEM_PAGE_PROMOTE",
        c -> new TdxModuleMsg.TdhMemPagePromote(gfn, level, c), Flow.PROMOTE, done), done);
  }

  private static void blockTrackKick(KvmContext ctx, long gfn, Level level, Runnable next, Consumer<Errno> failed) {
    assert ctx.config().has(DesignOption.MUT_DEMOTE_SHARED_LOCK) || ctx.config().has(DesignOption.MUT_MIRROR_PROMOTION)
        : "only mutations 1 and 3 BLOCK under the read lock";
    assert ctx.held() == LockMode.SHARED : "the mutations run under the read lock, not " + ctx.held();
    once(ctx, "TDH_MEM_RANGE_BLOCK", c -> new TdxModuleMsg.TdhMemRangeBlock(gfn, level, c), Flow.BLOCK, err -> {
      if (err != null) {
        failed.accept(err);
        return;
      }
      if (!ctx.tdRunnable()) {
        next.run();
        return;
      }
      once(ctx, "TDH_MEM_TRACK", TdxModuleMsg.TdhMemTrack::new, Flow.TRACK, t -> {
        if (t != null) {
          failed.accept(t);
          return;
        }
        ctx.kickAllVcpus(false, next);
      });
    });
  }

  /** One SEAMCALL: null (0), -EBUSY for a retryable status, or TDX_BUG_ON and -EIO. */
  private static void once(KvmContext ctx, String name, Function<TdxModuleMsg.Caller, TdxModuleMsg.Seamcall> call,
      Flow flow, Consumer<Errno> done) {
    ctx.seamcall(call, r -> {
      ctx.assertLocked(name + " under the read lock");
      assert ctx.held() == LockMode.SHARED && r.leaf().name().equals(name) : name + " answered by " + r;
      if (r.status().isSuccess()) {
        ctx.flow(flow, r.gfn(), r.level());
        done.accept(null);
      } else if (retryable(r)) {
        ctx.flow(flow.busy(), r.gfn(), r.level());
        done.accept(Errno.EBUSY);
      } else {
        ctx.bugOn("TDX_BUG_ON(" + name + ")", TdxSept.detail(r), r.gfn());
        done.accept(Errno.EIO);
      }
    });
  }

  private static boolean retryable(SeamcallResult r) {
    TdxStatus st = r.status();
    assert !st.isSuccess() : r;
    return st == TdxStatus.TDX_OPERAND_BUSY || st == TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY
        || st == TdxStatus.TDX_INTERRUPTED_RESTARTABLE;
  }
}
