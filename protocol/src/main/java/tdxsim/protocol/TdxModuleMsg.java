package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything the TDX module receives: host SEAMCALLs (from KVM), guest TDCALLs and memory accesses
 * (from a vCPU running in TD non-root mode), interrupts, and its own continuations.
 *
 * <p>A SEAMCALL is not atomic in time [docs/architecture.md]: the module acquires its locks when the request
 * arrives, does the work when its {@link Continue} is delivered, and releases the locks then. Requests that
 * arrive in between see the locks held and get TDX_OPERAND_BUSY, exactly where the real module returns it.
 */
public sealed interface TdxModuleMsg {

  /** Who issued a host SEAMCALL and where its completion goes. {@code tag} is minted by the caller. */
  record Caller(String name, ActorRef<SeamcallResult> replyTo, long tag) {}

  /** A host-side SEAMCALL on a GPA (gfn) at a level. */
  sealed interface Seamcall extends TdxModuleMsg {
    SeamcallLeaf leaf();

    long gfn();

    Level level();

    Caller caller();
  }

  /** Build time only: add a 4K page with its initial contents; FREE → MAPPED. */
  record TdhMemPageAdd(long gfn, long pfn, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_PAGE_ADD; }
    public Level level() { return Level.PG_LEVEL_4K; }
  }

  /** Ends build time: TD_STATE_RUNNABLE from now on. gfn and level are unused (0, 4K). */
  record TdhMrFinalize(Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MR_FINALIZE; }
    public long gfn() { return 0; }
    public Level level() { return Level.PG_LEVEL_4K; }
  }

  /** Add a S-EPT page so that entries of {@code level.lower()} exist under (gfn, level); FREE → NL_MAPPED. */
  record TdhMemSeptAdd(long gfn, Level level, long septPagePfn, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_SEPT_ADD; }
  }

  /** Add a page to a running TD, pending guest ACCEPT; FREE/REMOVED → PENDING. */
  record TdhMemPageAug(long gfn, Level level, long pfn, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_PAGE_AUG; }
  }

  record TdhMemRangeBlock(long gfn, Level level, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_RANGE_BLOCK; }
  }

  record TdhMemRangeUnblock(long gfn, Level level, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_RANGE_UNBLOCK; }
  }

  /** Advance the TD's TLB epoch. gfn and level are unused (0, 4K). */
  record TdhMemTrack(Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_TRACK; }
    public long gfn() { return 0; }
    public Level level() { return Level.PG_LEVEL_4K; }
  }

  record TdhMemPageRemove(long gfn, Level level, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_PAGE_REMOVE; }
  }

  /** Split a leaf at {@code level} into 512 leaves of {@code level.lower()} held in {@code newSeptPagePfn}. */
  record TdhMemPageDemote(long gfn, Level level, long newSeptPagePfn, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_PAGE_DEMOTE; }
  }

  /**
   * TDH.MEM.PAGE.DEMOTE on a module with NON-BLOCKING-RESIZE (the {@code non-blocking-resize} design option): the
   * leaf is split while it is MAPPED or PENDING, without a BLOCK, a TRACK or a kick before it, and a BUSY leaves it
   * as it was, so that no UNBLOCK is needed [C3 Restrictions, P3-09, P3-13].
   */
  record TdhMemPageDemoteNonBlocking(long gfn, Level level, long newSeptPagePfn, Caller caller)
      implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_PAGE_DEMOTE; }
  }

  /** Merge 512 uniform children under (gfn, level) into one leaf. KVM never issues it on a mirror root. */
  record TdhMemPagePromote(long gfn, Level level, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MEM_PAGE_PROMOTE; }
  }

  /** tdh_phymem_page_wbinvd_hkid: flush the cache lines of a page (or folio range) with the TD's HKID. */
  record TdhPhymemPageWbinvd(long gfn, Level level, long pfn, Caller caller) implements Seamcall {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_PHYMEM_PAGE_WBINVD; }
  }

  /** A SEAMCALL on the TD as a whole (no GPA operand): gfn and level are unused (0, 4K). */
  sealed interface TdScoped extends Seamcall {
    default long gfn() { return 0; }

    default Level level() { return Level.PG_LEVEL_4K; }
  }

  /** TDH.VP.FLUSH of {@code vcpu}'s TDVPR, run on the LP it last ran on (tdx_flush_vp_on_cpu). */
  record TdhVpFlush(int vcpu, Caller caller) implements TdScoped {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_VP_FLUSH; }
  }

  /** TDH.MNG.VPFLUSHDONE: no vCPU may be associated any more; lifecycle KEYS_CONFIGURED → BLOCKED. */
  record TdhMngVpflushdone(Caller caller) implements TdScoped {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MNG_VPFLUSHDONE; }
  }

  /** TDH.PHYMEM.CACHE.WB on one package: write back the cache lines of every flushed HKID. */
  record TdhPhymemCacheWb(Caller caller) implements TdScoped {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_PHYMEM_CACHE_WB; }
  }

  /** TDH.MNG.KEY.FREEID: the HKID goes back to the free pool; lifecycle BLOCKED → TEARDOWN. */
  record TdhMngKeyFreeid(Caller caller) implements TdScoped {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_MNG_KEY_FREEID; }
  }

  /** TDH.PHYMEM.PAGE.RECLAIM of the TD page at {@code pfn} (here: an S-EPT page); only in TD_TEARDOWN. */
  record TdhPhymemPageReclaim(long pfn, Caller caller) implements TdScoped {
    public SeamcallLeaf leaf() { return SeamcallLeaf.TDH_PHYMEM_PAGE_RECLAIM; }
  }

  /**
   * TDH.VP.ENTER. The SEAMCALL "returns" at the next TD exit: the module answers {@link GuestResult.TdEntered}
   * now and a {@link GuestResult.TdExit} later, or {@link GuestResult.VpEnterFailed} if it could not enter (for
   * example TDX_OPERAND_BUSY on the S-EPT tree lock, taken exclusively while the zero-step list is non-empty).
   */
  record TdhVpEnter(int vcpu, ActorRef<GuestResult> replyTo, long tag) implements TdxModuleMsg {}

  /** TDG.MEM.PAGE.ACCEPT (TDCALL leaf 6) issued by the guest on {@code vcpu} while in TD non-root mode. */
  record TdgMemPageAccept(int vcpu, long gfn, Level level, ActorRef<GuestResult> replyTo, long tag)
      implements TdxModuleMsg {}

  /** A guest load/store to a private gfn, walked through the S-EPT by the CPU. */
  record GuestMemAccess(int vcpu, long gfn, boolean write, ActorRef<GuestResult> replyTo, long tag)
      implements TdxModuleMsg {}

  /** An IPI (a KVM kick) reaches the logical processor running {@code vcpu}: TD exit if it is in the guest. */
  record ExternalInterrupt(int vcpu) implements TdxModuleMsg {}

  /** A host interrupt (NMI included) becomes pending on the LP that executes the current host SEAMCALL. */
  record HostInterrupt(long tag) implements TdxModuleMsg {}

  /**
   * The module's own continuation of an in-flight operation {@code opId}: do the work, release the locks. Internal:
   * only the module sends it, to itself. It stays in this sealed interface because the module's mailbox type is
   * TdxModuleMsg (permitted subtypes live in this package) and traces record each delivery by its simple name.
   */
  record Continue(long opId) implements TdxModuleMsg {}

  // --------------------------------------------------------------------------- the sharded module's front
  // Internal to the sharded TDX module (tdxsim.actors.tdx.ShardedTdxModule): what an S-EPT shard answers the front.

  /** A host SEAMCALL's S-EPT side ended in its shard (entry released): release the TD-wide locks, reply. */
  record SeptDone(long opId, TdxStatus status) implements TdxModuleMsg {}

  /**
   * SEAMCALL {@code opId} holds its entry in its shard and reads TDCS.epoch_tracking and OP_STATE now (BLOCK: after
   * it wrote the blocked entry, to stamp BEPOCH; UNBLOCK, REMOVE, DEMOTE, PROMOTE: for is_tlb_tracked); the front
   * answers {@link SeptShardMsg.SeptEpochs}.
   */
  record SeptReadEpochs(long opId) implements TdxModuleMsg {}

  /** A guest access's walk in its shard ended at a leaf (or a missing one: FREE) in {@code state}. */
  record SeptWalked(long opId, SeptState state) implements TdxModuleMsg {}

  /**
   * An ACCEPT's S-EPT side ended in its shard, entry released: the TDCALL returns {@code returned}; or, with
   * {@code returned} null, the TD exits, for the pending interrupt if {@code interrupted}, else with an EPT violation.
   */
  record AcceptDone(long opId, TdxStatus returned, boolean interrupted) implements TdxModuleMsg {}

  /** The zero-step filter's walks in one shard: the gfns of its query that would still fault. */
  record EpfChecked(long opId, java.util.List<Long> expected) implements TdxModuleMsg {
    public EpfChecked {
      expected = java.util.List.copyOf(expected);
    }
  }
}
