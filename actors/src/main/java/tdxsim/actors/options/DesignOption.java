package tdxsim.actors.options;

import java.util.List;

/**
 * What a scenario can switch on against the v3 baseline (the default: none set), all through one parser
 * ({@link #parse}) so that {@code --option} and a scenario's {@code options} accept the same names:
 * <ul>
 *   <li>{@link Kind#DESIGN_OPTION}: the v1 choices the review thread argued about, to compare against v3;</li>
 *   <li>{@link Kind#MUTATION}: the protocol mutations of docs/domain-tdx-huge-pages.md section 4, each a deliberate break of the baseline
 *       implemented as the code change it describes, where the kernel or module code would change (never a flag
 *       that reports a violation by itself). The generic invariants must catch every one.</li>
 * </ul>
 * Each names the mail it comes from; the invariants are the same whatever is set.
 */
public enum DesignOption {
  /**
   * v1 TDX holds folio references: folio_ref_add(folio, KVM_PAGES_PER_HPAGE(level)) when it maps (PAGE.AUG,
   * PAGE.ADD), folio_put_refs on an AUG failure and after a successful PAGE.REMOVE [P1-08]. From v2 TDX holds
   * none [C2 Open 4].
   */
  V1_FOLIO_REFCOUNT("v1-folio-refcount", Kind.DESIGN_OPTION, 0, "P1-08",
      "v1: TDX holds folio refs, pages(level) per mapping, put after a successful REMOVE"),

  /**
   * v1 ignores the split in the shared-lock fault path: when a huge leaf is found where a smaller level is
   * wanted, set the vCPU's violation_request_level to 2M and return -EBUSY (the guest retries), instead of the v3
   * write-lock split on the guest's ACCEPT level plus the one-way GUEST_INHIBIT flag; the per-vCPU
   * accept level also clamps the mapping level [P1-12, P1-21].
   */
  V1_IGNORE_SHARED_SPLIT("v1-ignore-shared-split", Kind.DESIGN_OPTION, 0, "P1-21",
      "v1: per-vCPU ACCEPT level clamps the fault, a huge leaf in the way is kept (no split, -EBUSY)"),

  /** v1 forces prefetch (KVM_PRE_FAULT_MEMORY) mappings to 4K [P1-20]. */
  V1_PREFETCH_4K("v1-prefetch-4k", Kind.DESIGN_OPTION, 0, "P1-20", "v1: KVM_PRE_FAULT_MEMORY maps 4K only"),

  /**
   * Invalidation users may refuse, and the conversion aborts after earlier users already unmapped, with no
   * rollback: the seed mail's A/B/C case [R7, T08 Yan 06-05]. The default instead runs a fallible pre-phase
   * (prepare every user, split every range) and then an infallible unmap [S16]. This is exactly mutation 5, which
   * is therefore an alias ({@code mut-notifier-no-rollback}), not a second option.
   */
  FAILABLE_NOTIFIER("failable-notifier", Kind.DESIGN_OPTION, 5, "R7, T08 Yan 06-05",
      "failable invalidation notifier: users may refuse after earlier ones unmapped, no rollback",
      "mut-notifier-no-rollback"),

  /**
   * Mutation 1: tdx_sept_split_private_spte without its mmu_lock_shared reject [P3-09]. The fault path honours
   * the guest's ACCEPT level itself (the per-vCPU request level of P1-12, without P1-21's "ignore") and splits the
   * huge leaf in the way under mmu_lock held for read: freeze, BLOCK, TRACK + kick, DEMOTE as plain SEAMCALLs
   * (tdh_do_no_vcpus needs the write lock); a failed DEMOTE after the BLOCK restores the mirror leaf while the
   * S-EPT entry stays BLOCKED, since there is no UNBLOCK that cannot itself BUSY [C2 Open 2].
   */
  MUT_DEMOTE_SHARED_LOCK("mut-demote-shared-lock", Kind.MUTATION, 1, "P3-09, C2 Open 2",
      "split (BLOCK+TRACK+DEMOTE) from the shared-lock fault path; a BUSY DEMOTE leaves the entry BLOCKED"),

  /**
   * Mutation 2: kvm_tdp_mmu_page_fault without mmu_invalidate_retry_gfn: no lockless _unsafe pre-checks and no
   * is_page_fault_stale() under mmu_lock [LNX kvm_host.h].
   */
  MUT_NO_RETRY_CHECK("mut-no-retry-check", Kind.MUTATION, 2, "LNX kvm_host.h",
      "the fault path never checks mmu_invalidate_retry_gfn / is_page_fault_stale"),

  /**
   * Mutation 3: disallowed_hugepage_adjust is not applied on the mirror root, so a fault whose goal is 2M over
   * an existing non-leaf maps at 2M; the TDX hook turns that non-leaf-&gt;leaf change into BLOCK, TRACK + kick,
   * PROMOTE [P1-10, P3-06, S06].
   */
  MUT_MIRROR_PROMOTION("mut-mirror-promotion", Kind.MUTATION, 3, "P1-10, P3-06, S06",
      "no disallowed_hugepage_adjust on the mirror root: a 2M fault over a non-leaf promotes (PROMOTE)"),

  /**
   * Mutation 4: the TDX private_max_mapping_level hook does not clamp to 4K before TD_STATE_RUNNABLE, so the
   * build-time mapping (KVM_TDX_INIT_MEM_REGION, which goes through the hook) can be 2M [P1-09].
   */
  MUT_HUGE_BEFORE_RUNNABLE("mut-huge-before-runnable", Kind.MUTATION, 4, "P1-09, P1-04",
      "private_max_mapping_level does not clamp to 4K before TD_STATE_RUNNABLE"),

  /**
   * Mutation 6: guest_memfd splits and zaps one 2M range at a time in a single pass, so an -ENOMEM from the split
   * of range k comes after ranges before k were zapped [R6, P3-15, S16]. In place, the ioctl is then one unit (no
   * per-huge-page batches, whose attributes the baseline stores batch by batch), so those zaps have no attribute
   * change; on the VM-attribute path, the pass runs inside the one pre_set critical section. The baseline splits
   * every range of a unit first.
   */
  MUT_ONE_PASS_SPLIT_ZAP("mut-one-pass-split-zap", Kind.MUTATION, 6, "R6, P3-15, S16",
      "conversion / punch hole split+zap per 2M range in one pass (ENOMEM mid-way after zaps)"),

  /**
   * Mutation 11: guest_memfd's conversion begins and ends the invalidation on exactly the converted pages instead
   * of the huge page around them (kvm_gmem_compute_invalidate_start/end) — the kernel before 9129633d568e
   * ("KVM: x86/mmu: Prevent installing hugepages when mem attributes are changing"). mmu_invalidate_retry_gfn
   * checks only the faulting gfn, so a fault on a neighbouring gfn of the same 2M folio that resolved the 2M
   * order before the conversion installs a 2M leaf over the folio the conversion splits [LNX 9129633d568e,
   * GMEM-RFC 38/51, R9].
   */
  MUT_EXACT_INVALIDATE_RANGE("mut-exact-invalidate-range", Kind.MUTATION, 11, "LNX 9129633d568e, GMEM-RFC 38/51",
      "a conversion invalidates only the converted pages, not their huge page (before 9129633d568e)"),

  /** Mutation 7a: tdx_sept_split/remove_private_spte without tdh_do_no_vcpus(BLOCK) [P3-08]. */
  MUT_SKIP_BLOCK("mut-skip-block", Kind.MUTATION, 7, "P3-08", "DEMOTE/REMOVE without the RANGE.BLOCK before them"),

  /** Mutation 7b: tdx_sept_split/remove_private_spte without tdx_track (no TRACK, no kick) [P3-08]. */
  MUT_SKIP_TRACK("mut-skip-track", Kind.MUTATION, 7, "P3-08", "DEMOTE/REMOVE without tdx_track (TRACK + kick)"),

  /**
   * Mutation 7c: tdx_track issues TDH.MEM.TRACK but not kvm_make_all_cpus_request(KVM_REQ_OUTSIDE_GUEST_MODE), so
   * vCPUs still running with the old epoch are not made to exit before the DEMOTE/REMOVE [P3-08].
   */
  MUT_SKIP_KICK("mut-skip-kick", Kind.MUTATION, 7, "P3-08",
      "tdx_track without the vCPU kick: TRACK, then DEMOTE/REMOVE while vCPUs still run the old epoch"),

  /**
   * Mutation 8: zapping a private leaf clears KVM_LPAGE_GUEST_INHIBIT_FLAG of its 2M and 1G ranges (as if the
   * guest's ACCEPT level died with the mapping), instead of leaving the one-way flag alone [S5-40].
   */
  MUT_CLEAR_INHIBIT_ON_ZAP("mut-clear-inhibit-on-zap", Kind.MUTATION, 8, "S5-40",
      "a private zap clears GUEST_INHIBIT of the ranges it touches (the flag is no longer one-way)"),

  /**
   * Mutation 9: v1 folio refcounts, unbalanced: TDX takes one reference when it maps (folio_get, whatever the
   * level) but still puts KVM_PAGES_PER_HPAGE(level) after a successful REMOVE, so a demoted 2M mapping later
   * removed 4K by 4K puts 512 for the 1 it took [P1-08, T08]. Implies the v1 refcount scheme.
   */
  MUT_REFCOUNT_IMBALANCE("mut-refcount-imbalance", Kind.MUTATION, 9, "P1-08, T08",
      "v1 refcounts: +1 at any map (even 2M), -pages(level) per REMOVE (512 x -1 after a demote)"),

  /**
   * Mutation 10a: v1's handling of TDX_INTERRUPTED_RESTARTABLE: DEMOTE is retried for as long as it is
   * interrupted, and so huge pages do not depend on TDX_FEATURES0.ENHANCED_DEMOTE_INTERRUPTIBILITY (v3 ties them
   * to it precisely because NMIs make the endless retry a DoS) [C1, C2 Open 3, C3 Restrictions].
   */
  MUT_ENDLESS_RESTARTABLE("mut-endless-restartable", Kind.MUTATION, 10, "C2 Open 3, C3 Restrictions",
      "retry DEMOTE on TDX_INTERRUPTED_RESTARTABLE forever (huge pages without enhanced demote interruptibility)"),

  /**
   * Mutation 10b: a lost try_cmpxchg64 on a mirror SPTE does not write the value it found back into
   * iter-&gt;old_spte (set_external_spte_present taking old_spte by value, before S5-02), and the walker retries the
   * same iteration in place ({@code goto retry}, as the zap / wrprot / split walkers do) instead of returning
   * RET_PF_RETRY: the retry compares against the stale value forever [S5-02].
   */
  MUT_NO_OLD_SPTE_REFRESH("mut-no-old-spte-refresh", Kind.MUTATION, 10, "S5-02",
      "a lost cmpxchg retries in place with iter->old_spte not refreshed (livelock)"),

  /**
   * Conversions go through the VM-attribute path (KVM_SET_MEMORY_ATTRIBUTES → kvm_vm_set_mem_attributes with its
   * pre_set / post_set critical sections, as v3 patch 15/24 posts it) instead of guest_memfd's in-place conversion;
   * v3 keeps both [P3-15, LNX 9129633d568e].
   */
  VM_ATTRIBUTES("vm-attributes", Kind.DESIGN_OPTION, 0, "P3-15",
      "conversions through KVM_SET_MEMORY_ATTRIBUTES (kvm_vm_set_mem_attributes, P3-15) instead of in-place"),

  /**
   * kvm_gmem_convert as the base v3 builds on posts it: kvm_gmem_invalidate_end, then kvm_gmem_restructure and the
   * shareability store (mas_store_prealloc) outside the invalidation. kvm_gmem_get_memory_attributes is lockless
   * and relies on mmu_invalidate_retry_gfn, so a fault that snapshots mmu_invalidate_seq after invalidate_end and
   * reads the old attribute before the store passes the retry check (its kvm_gmem_get_pfn only waits for
   * filemap_invalidate_lock) and maps the page with the old attribute [GMEM-BASE, R13]. The default keeps
   * restructure and store inside the invalidation (invalidate_end last, as punch hole and mainline's
   * kvm_vm_set_mem_attributes have it).
   */
  GMEM_STORE_AFTER_INVALIDATE_END("gmem-store-after-invalidate-end", Kind.DESIGN_OPTION, 0, "GMEM-BASE, R13",
      "in-place conversion as posted: restructure + attribute store after kvm_gmem_invalidate_end"),

  /**
   * The TDX module has NON-BLOCKING-RESIZE and KVM uses it as v3 says it would: tdx_honor_guest_accept_level splits
   * and sets the guest inhibit under mmu_lock held for read ("Then both (1) and (2) are possible to be done under
   * shared mmu_lock" [P3-13]). The split freezes the 2M mirror SPTE, issues a DEMOTE that needs no BLOCK, TRACK or
   * kick, and on BUSY restores the SPTE and retries (no UNBLOCK to recover, the reason v3 waits for the feature
   * [C3 Restrictions, P3-09]); the sp comes from the vCPU's cache, topped up before the lock. The fault path
   * splits a huge leaf in its way the same way, instead of P3-09's -EOPNOTSUPP.
   */
  NON_BLOCKING_RESIZE("non-blocking-resize", Kind.DESIGN_OPTION, 0, "P3-13, P3-09, C3 Restrictions",
      "NON-BLOCKING-RESIZE: the accept-level split (DEMOTE without BLOCK) and the inhibit under the shared lock"),

  /**
   * Mutation 12: tdx_mmu_release_hkid frees the HKID (TDH.MNG.KEY.FREEID) before TDH.MNG.VPFLUSHDONE and the
   * cache write-back; the module refuses it (TDX_LIFECYCLE_STATE_INCORRECT), the HKID is leaked and so is every
   * S-EPT page [LNX tdx.c, TDXM tdh_mng_key_freeid.c].
   */
  MUT_FREEID_BEFORE_VPFLUSHDONE("mut-freeid-before-vpflushdone", Kind.MUTATION, 12, "LNX tdx.c",
      "TD teardown: TDH.MNG.KEY.FREEID before TDH.MNG.VPFLUSHDONE and TDH.PHYMEM.CACHE.WB"),

  /**
   * Mutation 13: the S-EPT pages go back to the host allocator before TDH.PHYMEM.PAGE.RECLAIM (R8's
   * use-after-free: the module still owns the page) [LNX tdx.c, TDXM tdh_phymem_page_reclaim.c, T08].
   */
  MUT_FREE_BEFORE_RECLAIM("mut-free-before-reclaim", Kind.MUTATION, 13, "LNX tdx.c, T08",
      "TD teardown: an S-EPT page is freed before TDH.PHYMEM.PAGE.RECLAIM"),

  /**
   * Mutation 14: kvm_gmem_release without kvm_mmu_unmap_gfn_range: the guest_memfd's folios are truncated while
   * S-EPT leaves still map them, the use-after-free R8 is about [LNX guest_memfd.c, T08 Yan 06-05].
   */
  MUT_GMEM_RELEASE_NO_ZAP("mut-gmem-release-no-zap", Kind.MUTATION, 14, "LNX guest_memfd.c, T08",
      "TD teardown: kvm_gmem_release does not zap the private mappings before the folios go"),

  /**
   * Mutation 15: kvm_mmu_faultin_pfn without the KVM_MEMSLOT_INVALID check: a fault that starts after the deleter
   * published the invalid slot is not waited for by its synchronize_srcu, maps the page anyway and can install it
   * after kvm_arch_flush_shadow_memslot zapped the slot [LNX mmu.c, LNX kvm_main.c].
   */
  MUT_MEMSLOT_NO_INVALID_CHECK("mut-memslot-no-invalid-check", Kind.MUTATION, 15, "LNX mmu.c, LNX kvm_main.c",
      "memslot deletion: the fault path does not retry on a KVM_MEMSLOT_INVALID slot"),

  /**
   * Mutation 16: tdx_handle_ept_violation's local-retry loop without the break on an invalid memslot (the kernel
   * before MEMSLOT-RETRY 2/3): the vCPU retries inside its SRCU read-side section for as long as the slot is
   * invalid, and the deleter's synchronize_srcu waits for it for ever [LNX tdx.c, MEMSLOT-RETRY].
   */
  MUT_LOCAL_RETRY_IGNORES_INVALID_SLOT("mut-local-retry-ignores-invalid-slot", Kind.MUTATION, 16,
      "LNX tdx.c, MEMSLOT-RETRY", "memslot deletion: the TDX local-retry loop keeps retrying on an invalid slot"),

  /**
   * Mutation 17: tdx_handle_ept_violation's local-retry loop without the kvm_vcpu_has_events() break: a posted
   * interrupt waits until the fault is resolved, however long an invalidation makes it retry [LNX tdx.c].
   */
  MUT_LOCAL_RETRY_IGNORES_EVENTS("mut-local-retry-ignores-events", Kind.MUTATION, 17, "LNX tdx.c",
      "the TDX local-retry loop does not leave on a pending interrupt (kvm_vcpu_has_events)"),

  /**
   * Not a kernel choice: the same TDX module built as actors differently, a front with the TD-wide state (TDR, TDCS,
   * TDVPS) and one S-EPT shard per 1G region ({@link tdxsim.actors.tdx.ShardedTdxModule}). Every SEAMCALL status
   * and every verdict is meant to be the one-actor module's; the catalogue is checked under both.
   */
  SHARDED_TDX_MODULE("sharded-tdx-module", Kind.MODEL, 0, "TDXM",
      "the TDX module as a TD-wide front and one S-EPT shard actor per 1G region (same protocol, same verdicts)");

  /** Design option (a choice argued on the list), protocol mutation (a deliberate break, section 4), or model structure. */
  public enum Kind {
    DESIGN_OPTION("design option"),
    MUTATION("mutation"),
    /** How the model is built, not what the kernel does: the protocol and its verdicts are the same. */
    MODEL("model structure");

    private final String label;

    Kind(String label) {
      this.label = label;
      assert label != null : "an option kind without its label";
      assert !label.isBlank() : "an option kind without its label";
    }

    public String label() {
      assert label != null : name() + " without its label";
      return label;
    }
  }

  private final String cliName;
  private final Kind kind;
  private final int mutation;
  private final String source;
  private final String description;
  private final List<String> aliases;

  DesignOption(String cliName, Kind kind, int mutation, String source, String description, String... aliases) {
    this.cliName = cliName;
    this.kind = kind;
    this.mutation = mutation;
    this.source = source;
    this.description = description;
    this.aliases = List.of(aliases);
    // a mutation has its section-4 number; every option cites its sources and is described for ./tdxsim list
    assert mutation >= 0 && (kind != Kind.MUTATION || mutation > 0) : cliName + ": mutation number " + mutation;
    assert !cliName.isEmpty() && cliName.equals(cliName.toLowerCase(java.util.Locale.ROOT)) : "CLI name " + cliName;
    assert !source.isBlank() && !description.isBlank() : cliName + " without a source or a description";
    assert invariant();
  }

  /**
   * Field invariants (O(1)): every option has a kind, a lower-case CLI name, its sources and a description; a
   * mutation's number is positive, an option that is no mutation's is 0 unless it is one by alias (mutation 5).
   */
  private boolean invariant() {
    assert kind != null : name() + " incomplete";
    assert cliName != null : name() + " incomplete";
    assert source != null : name() + " incomplete";
    assert description != null : name() + " incomplete";
    assert mutation >= 0 && (kind != Kind.MUTATION || mutation > 0) : cliName + ": mutation number " + mutation;
    assert aliases != null : cliName + " is its own alias";
    assert !aliases.contains(cliName) : cliName + " is its own alias";
    return true;
  }

  /** No two options share a CLI name or an alias: {@link #parse} returns the first that matches. */
  static {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (DesignOption o : values()) {
      boolean fresh = names.add(o.cliName.toLowerCase(java.util.Locale.ROOT));
      assert fresh : "two design options named " + o.cliName;
      for (String a : o.aliases) {
        boolean freshAlias = names.add(a.toLowerCase(java.util.Locale.ROOT));
        assert freshAlias : "the alias " + a + " of " + o.cliName + " names another option";
      }
    }
  }

  /** The name used on the command line and in traces, e.g. "v1-folio-refcount". */
  public String cliName() {
    assert invariant();
    return cliName;
  }

  public Kind kind() {
    assert invariant();
    return kind;
  }

  /** The number of the section-4 mutation (docs/domain-tdx-huge-pages.md) this is (or is an alias of), else 0. */
  public int mutation() {
    assert invariant();
    return mutation;
  }

  /** Its source keys (docs/sources.md). */
  public String source() {
    assert invariant();
    return source;
  }

  /** One line, for {@code ./tdxsim list}. */
  public String description() {
    assert invariant();
    return description;
  }

  /** Other names {@link #parse} accepts (e.g. the mutation name of a design option that is that mutation). */
  public List<String> aliases() {
    assert invariant();
    return aliases;
  }

  /**
   * The design option this mutation breaks and so implies (mutation 9 unbalances v1's folio refcounts), or none:
   * the windows that option has on its own are the baseline the mutation is judged against.
   */
  public java.util.Optional<DesignOption> buildsOn() {
    assert invariant();
    java.util.Optional<DesignOption> base =
        this == MUT_REFCOUNT_IMBALANCE ? java.util.Optional.of(V1_FOLIO_REFCOUNT) : java.util.Optional.empty();
    assert base.isEmpty() || (kind == Kind.MUTATION && base.get().kind == Kind.DESIGN_OPTION) : cliName + " on " + base;
    return base;
  }

  /** Parses a CLI name, an alias or an enum constant name; null if unknown. */
  public static DesignOption parse(String s) {
    assert s != null : "DesignOption.parse(null)";
    for (DesignOption o : values()) {
      if (o.cliName.equalsIgnoreCase(s) || o.name().equalsIgnoreCase(s)) return o;
      for (String a : o.aliases) if (a.equalsIgnoreCase(s)) return o;
    }
    return null;
  }
}
