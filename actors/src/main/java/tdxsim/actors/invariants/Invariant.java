package tdxsim.actors.invariants;

/**
 * The catalogue of global properties the {@link InvariantChecker} enforces: stable dotted names (they appear in
 * traces, reports and tests, so never rename one) and a one-line description citing source key (docs/sources.md)s.
 * Every property is stated once, over the global state rebuilt from observations, independent of any design
 * option: a design option that breaks one is supposed to be caught by it [docs/architecture.md, "Checking and reporting"].
 */
public enum Invariant {
  // --- S-EPT vs mirror -------------------------------------------------------------------------------------
  SEPT_MIRROR_AGREEMENT("sept.mirror-agreement",
      "at rest a mirror leaf SPTE <=> S-EPT MAPPED/PENDING at that level, non-leaf <=> NL_MAPPED, none <=> FREE;"
          + " never BLOCKED at rest [P3-09, mutation 1]"),
  SEPT_PARENT_PRESENT("sept.parent-present",
      "an S-EPT entry is present only under a present non-leaf parent; only a non-leaf has children [R1]"),
  MMU_SINGLE_EXTERNAL_OP("mmu.single-external-op",
      "AUG/SEPT.ADD run only while their mirror SPTE is FROZEN, at most one per freeze [S5-02, R1]"),
  MMU_NO_MIRROR_PROMOTION("mmu.no-mirror-promotion",
      "a mirror non-leaf SPTE is never replaced by a leaf [P1-10, P3-06, S06, mutation 3]"),
  TDX_PROMOTE_UNIFORM("tdx.promote-uniform",
      "PROMOTE succeeds only over 512 children all MAPPED or all PENDING [C1 Page merging, R10]"),
  // --- memory backing ----------------------------------------------------------------------------------------
  MMU_LEVEL_LE_FOLIO("mmu.level-le-folio",
      "mapping level <= backing folio order; a folio is never split under a larger mapping [C3 Base, R9]"),
  GMEM_FREED_FOLIO_MAPPED("gmem.freed-folio-mapped",
      "no mirror or S-EPT leaf maps a freed, unallocated or reallocated folio [T08, R8]"),
  GMEM_PRIVATE_MAPPING_OF_SHARED("gmem.private-mapping-of-shared",
      "no private (mirror/S-EPT) leaf maps a gfn whose memory attribute is shared [R5]"),
  MMU_NO_INSTALL_DURING_INVALIDATION("mmu.no-install-during-invalidation",
      "no fault installs a leaf SPTE over a gfn inside an in-progress invalidation [LNX kvm_host.h, R5, mutation 2]"),
  MMU_ATTRIBUTES_AT_INVALIDATE_END("mmu.attributes-at-invalidate-end",
      "at invalidate_end every leaf in the range maps uniformly private memory [R5, mutation 2]"),
  // --- TDX module protocol -----------------------------------------------------------------------------------
  TDX_DEMOTE_BLOCKED_TRACKED("tdx.demote-blocked-tracked",
      "DEMOTE/REMOVE/PROMOTE on a running TD need a BLOCK at that level, a TRACK after it and every vCPU"
          + " exited since [P3-08, TDXM is_tlb_tracked, mutation 7]"),
  TDX_REMOVED_PAGE_FLUSHED("tdx.removed-page-flushed",
      "a page TDH.MEM.PAGE.REMOVEd from the S-EPT is flushed with TDH.PHYMEM.PAGE.WBINVD before mmu_lock is"
          + " released [domain 2.3 step 4, P1-07, P3-03]"),
  MMU_WRITE_LOCK_FOR_SEPT_CHANGES("mmu.write-lock-for-block-demote-remove",
      "BLOCK/UNBLOCK/TRACK/DEMOTE/REMOVE/PROMOTE only under the exclusive mmu_lock [P3-08, P3-09, R3]"),
  MMU_LOCK_EXCLUSION("mmu.lock-exclusion",
      "mmu_lock is an rwlock: a writer excludes all others; only a holder releases [LNX tdp_mmu.c]"),
  TDX_BUILD_TIME_4K("tdx.build-time-4k",
      "before TD_STATE_RUNNABLE every mirror and S-EPT leaf is 4K [P1-04, P1-09, R11, mutation 4]"),
  TDX_SPLIT_REQUIRES_RUNNABLE("tdx.split-requires-runnable",
      "DEMOTE and mirror leaf->non-leaf splits happen only on a RUNNABLE TD [P3-08, mutation 4]"),
  // --- ACCEPT level ------------------------------------------------------------------------------------------
  MMU_GUEST_INHIBIT_MONOTONE("mmu.guest-inhibit-monotone",
      "KVM_LPAGE_GUEST_INHIBIT_FLAG is one-way: never cleared [S5-40, mutation 8]"),
  MMU_GUEST_INHIBIT_RESPECTED("mmu.guest-inhibit-respected",
      "inhibit(L) set => no leaf of level >= L in that range [P3-13, R4]"),
  MMU_NO_LEVEL_OSCILLATION("mmu.no-level-oscillation",
      "a 2M range split to 4K is not mapped 2M again until wholly invalidated [R2, C2 Open 2, mutation 8]"),
  MMU_ACCEPT_LEVEL_HONOURED("mmu.accept-level-honoured",
      "at quiescence no leaf is larger than the smallest ACCEPT level requested in its 2M range [R2]"),
  // --- folio references (v1 design option) -------------------------------------------------------------------
  GMEM_TDX_REFS_BALANCED("gmem.tdx-refs-balanced",
      "at rest, TDX folio refs = sum of pages(level) of live S-EPT leaves in the folio [P1-08, mutation 9]"),
  GMEM_TDX_REFS_UNDERFLOW("gmem.tdx-refs-underflow", "TDX folio refs never go negative [P1-08, mutation 9]"),
  GMEM_TDX_REFS_ZERO_MAPPED("gmem.tdx-refs-zero-mapped",
      "when TDX refs on a folio reach zero no S-EPT leaf maps it [T08 Yan, mutation 9]"),
  GMEM_FOLIO_SPLIT_WITH_TDX_REFS("gmem.folio-split-with-tdx-refs",
      "guest_memfd never restructures a folio on which TDX holds refs [T08 Ackerley/Vishal, R8]"),
  // --- conversions -------------------------------------------------------------------------------------------
  GMEM_CONVERSION_ALL_OR_NOTHING("gmem.conversion-all-or-nothing",
      "each conversion batch (one huge page of __kvm_gmem_set_attributes) changed the attributes and unmapped every"
          + " user, or failed and no user lost a mapping [R7, T08 Yan, mutation 5, GMEM-BASE]"),
  GMEM_FAILED_CONVERSION_NO_ZAP("gmem.failed-conversion-no-zap",
      "no zap without its attribute change: a failed conversion batch or punch hole zapped no private mapping"
          + " (earlier batches stay converted; the failed one is error_offset) [R6, S16, mutation 6, GMEM-BASE]"),
  // --- fatal events ------------------------------------------------------------------------------------------
  KVM_BUG_ON("kvm.bug-on", "KVM_BUG_ON/TDX_BUG_ON never fires (no-fail SEAMCALL paths) [2.5]"),
  KVM_VM_DEAD("kvm.vm-dead", "KVM never kills the TD: kvm_vm_dead on a guest access to a PENDING page with"
      + " SEPT_VE_DISABLE set (\"Guest access before accepting\") [LNX tdx.c]"),
  GUEST_PANIC("guest.panic", "the guest never panics (e.g. TDX: Failed to accept memory) [LNX unaccepted_memory.h]"),
  GUEST_DATA_LOST("guest.data-lost",
      "accepted private data is never removed outside an invalidation, and never found gone by the guest [R6, R7]"),
  // --- liveness ----------------------------------------------------------------------------------------------
  LIVENESS_FAULT_RETRIES("liveness.fault-retries",
      "a vCPU's fault on one gfn returns RET_PF_RETRY at most N times in a row [S5-02, mutation 10]"),
  LIVENESS_FAULT_COMPLETES("liveness.fault-completes", "at quiescence no fault is left unfinished"),
  LIVENESS_CMPXCHG_RETRIES("liveness.cmpxchg-retries",
      "a vCPU's cmpxchg on one mirror SPTE fails at most N times in a row (no other writer holding it FROZEN)"
          + " before its fault attempt ends [S5-02, mutation 10]"),
  LIVENESS_ACCEPT_RETRIES("liveness.accept-retries",
      "an ACCEPT ends in SUCCESS, ALREADY_ACCEPTED or SIZE_MISMATCH within N attempts [R2]"),
  LIVENESS_ACCEPT_HOST_PRIORITY("liveness.accept-host-priority",
      "a vCPU's ACCEPT returns TDX_OPERAND_BUSY_HOST_PRIORITY at most N times in a row while no fault on the entry"
          + " is open: the host SEAMCALL that set the entry's HP bit comes back for the lock [TDXM tdx_locks.h]"),
  LIVENESS_FAULT_INVALIDATE_RETRIES("liveness.fault-invalidate-retries",
      "a vCPU's fault on one gfn returns RET_PF_RETRY at most N times in a row while an invalidation covers it"
          + " (mmu_invalidate_retry_gfn) and no other flow moves: the invalidation ends [LNX kvm_host.h]"),
  LIVENESS_SEAMCALL_RETRIES("liveness.seamcall-retries",
      "one caller retries a SEAMCALL after BUSY/INTERRUPTED_RESTARTABLE at most N times in a row"
          + " [C2 Open 3, mutation 10]"),
  LIVENESS_FROZEN_SPTE("liveness.frozen-spte", "at quiescence no SPTE is FROZEN [S5-02, mutation 10]"),
  LIVENESS_LOCK_STARVATION("liveness.lock-starvation",
      "an exclusive mmu_lock waiter is bypassed by at most N other acquisitions"),
  LIVENESS_LOCK_RELEASED("liveness.lock-released", "at quiescence mmu_lock is free and nobody waits for it"),
  LIVENESS_INVALIDATION_ENDED("liveness.invalidation-ended",
      "at quiescence no invalidation, conversion or punch hole is in progress"),
  LIVENESS_WORKLOAD_DONE("liveness.workload-done", "at quiescence every vCPU reported VcpuWorkloadDone"),
  TDX_FREED_PAGE_RECLAIMED("tdx.freed-page-reclaimed",
      "an S-EPT page goes back to the host only after TDH.PHYMEM.PAGE.RECLAIM [TDXM tdh_phymem_page_reclaim.c, T08]"),
  TDX_TEARDOWN_UNMAPPED("tdx.teardown-unmapped",
      "when the teardown frees the HKID no S-EPT leaf maps a page (kvm_gmem_release zapped it) [LNX guest_memfd.c]"),
  LIVENESS_TEARDOWN_DONE("liveness.teardown-done", "at quiescence a TD teardown that began has ended"),
  KVM_MEMSLOT_ZAPPED_UNMAPPED("kvm.memslot-zapped-unmapped",
      "once kvm_arch_flush_shadow_memslot zapped a memslot being deleted, no mirror or S-EPT leaf maps its gfns"
          + " [LNX kvm_main.c, LNX mmu.c, mutation 15]"),
  LIVENESS_MEMSLOT_DELETED("liveness.memslot-deleted", "at quiescence a memslot deletion that began has ended"
      + " [LNX kvm_main.c]"),
  LIVENESS_SRCU_SECTION("liveness.srcu-section",
      "a vCPU retries a fault on an invalid memslot at most N times inside one SRCU read-side section, or the"
          + " deleter's synchronize_srcu waits for ever [MEMSLOT-RETRY, mutation 16]"),
  LIVENESS_LOCAL_RETRY_EVENTS("liveness.local-retry-events",
      "the TDX local-retry loop never goes round again while a posted interrupt or a signal is pending"
          + " [LNX tdx.c, mutation 17]");

  private final String id;
  private final String description;

  Invariant(String id, String description) {
    this.id = id;
    this.description = description;
    assert id.matches("[a-z]+\\.[a-z0-9-]+") : "invariant id " + id + " is not <area>.<name>";
    assert !description.isBlank() : id + " without a description";
  }

  /** The stable dotted name, e.g. {@code sept.mirror-agreement}. */
  public String id() {
    return id;
  }

  /** One line, with source keys. */
  public String description() {
    return description;
  }

  /** The invariant with this dotted name, if any. */
  public static java.util.Optional<Invariant> byId(String id) {
    assert id != null : "Invariant.byId(null)";
    for (Invariant i : values()) if (i.id.equals(id)) return java.util.Optional.of(i);
    return java.util.Optional.empty();
  }
}
