/**
 * The TDX module actor: the Secure-EPT state machine, the host SEAMCALLs, TDG.MEM.PAGE.ACCEPT, TD entry/exit,
 * the module's try-only locks and TLB epochs, modelled on the Intel TDX module 1.5 sources [TDXM] and
 * docs/domain-tdx-huge-pages.md sections 1.1, 1.4, 2 and 3.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link tdxsim.actors.tdx.TdxModule}: the actor ({@code create(TdxModuleConfig, Monitor)});</li>
 *   <li>{@link tdxsim.actors.tdx.TdxModuleConfig}: vCPUs, private range, SEPT_VE_DISABLE,
 *       ENHANCED_DEMOTE_INTERRUPTIBILITY, zero-step threshold, 2M ACCEPT step size;</li>
 *   <li>{@link tdxsim.actors.tdx.TdxModuleState}: everything the actor owns;
 *       {@link tdxsim.actors.tdx.SecureEpt} / {@link tdxsim.actors.tdx.SeptEntry}: the entries and the walk;
 *       {@link tdxsim.actors.tdx.SharexLock}: TDR and S-EPT tree locks; {@link tdxsim.actors.tdx.TlbEpochs}:
 *       td_epoch, REFCOUNTs, epoch lock, is_tlb_tracked; {@link tdxsim.actors.tdx.VcpuContext}: guest mode and the
 *       zero-step list; {@link tdxsim.actors.tdx.SeptRules}: the module's lookup tables;</li>
 *   <li>SeamcallHandlers, AcceptHandler, GuestHandler: the flows; SeptWork, AcceptSteps: their S-EPT side;</li>
 *   <li>{@link tdxsim.actors.tdx.ShardedTdxModule} and {@link tdxsim.actors.tdx.SeptShard}: the same module as a
 *       TD-wide front and S-EPT shards (option {@code sharded-tdx-module}).</li>
 * </ul>
 *
 * <h2>Contract with the KVM side</h2>
 * <ul>
 *   <li>Every SEAMCALL except TDH.PHYMEM.PAGE.WBINVD is two steps: locks on arrival (contention = immediate
 *       TDX_OPERAND_BUSY, also walk / operand / OP_STATE failures are immediate), work on the op's Continue.</li>
 *   <li>TDH.VP.ENTER answers TdEntered, VpEnterFailed (TDX_OPERAND_BUSY, TDX_OP_STATE_INCORRECT), or directly a
 *       TdExit(EPT_VIOLATION, gfn, null) when the zero-step filter refuses to enter. TdExit goes to the
 *       VP.ENTER's replyTo; its tag is that of the guest operation that caused it, or the VP.ENTER's for a kick.</li>
 *   <li>An ACCEPT answered by TdExit(EXTERNAL_INTERRUPT) with the ACCEPT's tag and no TdcallReturn was interrupted
 *       (2M, partial progress kept): the guest re-executes it after re-entry.</li>
 *   <li>ACCEPT and GuestMemAccess from a vCPU that is not in the guest are dropped (a kick took it out first).
 *       TDH.VP.ENTER while in the guest, or a guest operation while the same vCPU's ACCEPT is still executing,
 *       is a protocol error (IllegalStateException).</li>
 *   <li>HostInterrupt(tag) marks every in-flight SEAMCALL whose Caller.tag equals tag; it does nothing when none
 *       is in flight. Callers should mint tags unique among their in-flight SEAMCALLs.</li>
 *   <li>Observations: SeptEntryChanged for every entry change (DEMOTE: the parent, then its 512 children;
 *       PROMOTE: the 512 children to FREE, then the parent), SeamcallCompleted for every
 *       SEAMCALL outcome, BUSY included (TDH.VP.ENTER completes at its TD exit, or when it fails; its caller is the
 *       vCPU actor's name), AcceptCompleted (status null = TD exit), TdEpochAdvanced, VcpuGuestMode, TdRunnable.</li>
 * </ul>
 *
 * <h2>Faithful details that docs/domain-tdx-huge-pages.md does not spell out</h2>
 * <ul>
 *   <li>TDH.MEM.RANGE.UNBLOCK on a running TD also requires TRACK since the BLOCK (TDX_TLB_TRACKING_NOT_DONE)
 *       [TDXM tdh_mem_range_unblock.c].</li>
 *   <li>is_tlb_tracked is also true for BEPOCH &lt; td_epoch - 1 [TDXM helpers.h]; td_epoch starts at 1.</li>
 *   <li>TDH.MEM.PAGE.AUG and TDH.MEM.TRACK are allowed at build time too (seamcall_state_lookup);
 *       TDH.MEM.PAGE.ADD after, and TDH.VP.ENTER before, MR.FINALIZE return TDX_OP_STATE_INCORRECT.</li>
 *   <li>RANGE.BLOCK of a 2M PENDING page drops its partial ACCEPT progress (sept_cleanup_if_pending), as DEMOTE
 *       and REMOVE do.</li>
 *   <li>The HP bit: a failed host acquisition sets it, a successful one clears it; a holder that commits
 *       rewrites the whole entry from its post-lock copy and so clears an HP set meanwhile, a holder that fails
 *       only drops TDEL and HP survives. The guest gets BUSY while the lock is held and BUSY_HOST_PRIORITY when
 *       it is free with HP set [TDXM tdx_locks.h, tdg_mem_page_accept.c].</li>
 *   <li>PROMOTE checks children contiguity/alignment and is always interruptible (TDX_INTERRUPTED_RESTARTABLE);
 *       PROMOTE/DEMOTE report INTERRUPTED only after their state and BLOCK/TRACK checks pass.</li>
 *   <li>Zero-step: only hardware EPT violations on private gfns (GuestMemAccess) are logged, not ACCEPT exits
 *       (async_tdexit_ept_violation does not log); the gfn is listed on the first violation after the counter
 *       reached the threshold; any forward progress (TDCALL return, completed access, #VE) resets at the next
 *       exit; while the list is non-empty VP.ENTER holds the tree lock exclusive until its Continue and refuses
 *       to enter (emulated EPT-violation exit) if a listed gfn would still fault [TDXM td_exit_stepping.c].</li>
 *   <li>TDH.VP.ENTER takes the epoch lock shared to count the vCPU: BUSY while a TRACK is in flight.</li>
 * </ul>
 *
 * <h2>One actor per TD by default; sharded on request</h2>
 * {@link tdxsim.actors.tdx.TdxModule} is the module of one TD as one actor. With the option
 * {@code sharded-tdx-module} a VM spawns {@link tdxsim.actors.tdx.ShardedTdxModule} instead: a front (same name,
 * same protocol) that owns the TD-wide state, and one {@link tdxsim.actors.tdx.SeptShard} child per 1G region that
 * owns the entries. The S-EPT side of the flows ({@link tdxsim.actors.tdx.SeptWork},
 * {@link tdxsim.actors.tdx.AcceptSteps}) is the same code in both; only where it runs differs. What cannot leave the
 * TD-wide actor, and why the front sees every message:
 * <ul>
 *   <li>every S-EPT SEAMCALL takes the TDR lock shared and secure_ept_lock (BLOCK and UNBLOCK exclusive, the others
 *       shared) before its walk and entry lock [TDXM tdh_mem_range_block.c, tdh_mem_page_aug.c]; the release must
 *       happen before the caller's reply (else a caller's next SEAMCALL could meet BUSY from a lock its previous
 *       call had already released, a state the lock word is never in): two messages more per SEAMCALL, and two
 *       more again for those that read td_epoch and the REFCOUNTs (BLOCK after writing the entry, UNBLOCK, REMOVE,
 *       DEMOTE, PROMOTE), which the shard asks the front for while it holds the entry, where the module reads
 *       them;</li>
 *   <li>a guest access or ACCEPT needs its vCPU's TDVPS (in the guest or kicked out, a TDCALL executing, forward
 *       progress for the zero-step filter) as well as the entry, and its TD exit counts the vCPU out of td_epoch's
 *       REFCOUNT, which TDH.MEM.TRACK reads under the epoch lock [TDXM tdh_mem_track.c]; TDH.VP.ENTER's zero-step
 *       filter walks the S-EPT under secure_ept_lock exclusive: two messages more per guest operation.</li>
 * </ul>
 * {@code ShardedCatalogueTest} checks that both give the same verdict on every catalogue entry. Measured (one TD of
 * 512 vCPUs under {@code ./tdxsim stress}, 2 threads): the module (front and shard together) receives under 10% of
 * the TD's messages; the busiest actor is guest_memfd (41-45%: the KickAck of every vCPU for each TRACK's kick on
 * the conversion path), so sharding the module does not make one TD scale with cores. A TD split over threads at
 * all is slower than a whole one: the parallel runtime keeps each TD on one thread, since one TD of 512 vCPUs ran
 * 1.6-4.0 M messages/s with its actors split over two threads in every placement tried, against 5.3 on one (README,
 * "One TD stays on one thread").
 *
 * <h2>Simplified or left out</h2>
 * <ul>
 *   <li>No TLB: guest accesses walk the current S-EPT, so a vCPU does not keep using a stale translation between
 *       BLOCK and its exit; the BLOCK/TRACK rules are enforced at the SEAMCALLs.</li>
 *   <li>PAMT: only BEPOCH (kept in the entry) and pfn alignment; page ownership, PAMT page locks and DPAMT are not
 *       modelled, so mapping one pfn twice is not detected here.</li>
 *   <li>TDCS op_state_lock is folded into the TDR lock; the TDR lock a running vCPU holds shared is not modelled
 *       (it only matters for PAGE.ADD / MR.FINALIZE, which never race a running vCPU).</li>
 *   <li>No L2 VMs, no migration (EXPORTED_*, REMOVED is never produced: REMOVE goes to FREE), no SEPT.REMOVE,
 *       no single-step (MTF) stepping mode, no TDX_NO_VCPUS / measurement in MR.FINALIZE.</li>
 *   <li>TD teardown ({@link tdxsim.actors.tdx.TdLifecycle}): one package, one HKID, no KOT lock; the S-EPT
 *       SEAMCALLs do not check the lifecycle (KVM issues none after VPFLUSHDONE); RECLAIM checks only the
 *       lifecycle (no PAMT page type or owner).</li>
 *   <li>1G: the entries under the S-EPT root (the levels above, always present, are not modelled) start FREE;
 *       KVM's first fault in a 1G region links it with SEPT.ADD; a 1G leaf can only come from PROMOTE at 1G.</li>
 *   <li>A guest access to a PENDING page with SEPT_VE_DISABLE set exits with the extended exit qualification
 *       type PENDING_EPT_VIOLATION (TdExit.pendingEptViolation).</li>
 *   <li>A 2M ACCEPT checks for a pending interrupt every accept2mPagesPerStep pages (the module: every page).</li>
 *   <li>TDH.PHYMEM.PAGE.WBINVD is one step and succeeds unless a failure is injected.</li>
 * </ul>
 */
package tdxsim.actors.tdx;
