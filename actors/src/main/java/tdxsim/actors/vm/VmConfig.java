package tdxsim.actors.vm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.tdx.TdxModuleConfig;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.actors.vcpu.WorkloadStep.Accept;
import tdxsim.actors.vcpu.WorkloadStep.MapGpa;
import tdxsim.actors.vcpu.WorkloadStep.Prefetch;
import tdxsim.actors.vcpu.WorkloadStep.Touch;
import tdxsim.protocol.Level;

/**
 * One VM to simulate.
 *
 * @param name scenario name (traces, reports)
 * @param vcpus number of vCPUs (actors vcpu-0 ..)
 * @param baseGfn first gfn of the guest_memfd-backed private memslot (2M aligned)
 * @param ranges2M size of the memslot in 2M ranges
 * @param buildPages gfns added at build time with TDH.MEM.PAGE.ADD (4K, the TD's initial image), before
 *     TDH.MR.FINALIZE; every vCPU's guest knows them as accepted
 * @param workloads per vCPU, the guest's steps (index = vCPU id)
 * @param vmmActions what the VMM does once the TD runs (punch hole, conversions), in order
 * @param iommuPinned ranges the IOMMU user cannot drop while it maps them (DMA in flight)
 * @param mapSharedIntoUsers after a conversion to shared (guest MapGPA or VMM), the VMM maps the range into the
 *     userspace and IOMMU users
 * @param splitCachePages the pages the splits may still allocate (sp + external_spt and their DPAMT pages, one per
 *     split, allocated with mmu_lock dropped); exhausted = -ENOMEM
 * @param options design options (none = the v3 baseline)
 * @param septVeDisable TD attribute SEPT_VE_DISABLE (clear: touch-first guests get #VE on PENDING pages)
 * @param enhancedDemoteInterruptibility TDX_FEATURES0.ENHANCED_DEMOTE_INTERRUPTIBILITY; v3 enables 2M mappings
 *     only with it [C3 Restrictions]
 * @param accept2mPagesPerStep TDX module: 4K pages a 2M ACCEPT zeroes per step (interrupt window)
 * @param zeroStepThreshold TDX module: STEPPING_EPF_THRESHOLD
 * @param failPageRemove TDX module fault injection: the n-th TDH.MEM.PAGE.REMOVE fails (0 = never)
 * @param failPageWbinvd TDX module fault injection: the n-th TDH.PHYMEM.PAGE.WBINVD fails (0 = never)
 */
public record VmConfig(
    String name,
    int vcpus,
    long baseGfn,
    int ranges2M,
    List<Long> buildPages,
    List<List<WorkloadStep>> workloads,
    List<VmmAction> vmmActions,
    List<GfnRange> iommuPinned,
    boolean mapSharedIntoUsers,
    int splitCachePages,
    Set<DesignOption> options,
    boolean septVeDisable,
    boolean enhancedDemoteInterruptibility,
    int accept2mPagesPerStep,
    int zeroStepThreshold,
    int failPageRemove,
    int failPageWbinvd) {

  public VmConfig {
    if (vcpus < 1) throw new IllegalArgumentException("vcpus < 1");
    if (vcpus > TdxModuleConfig.MAX_VCPUS_PER_TD) {
      throw new IllegalArgumentException("vcpus > MAX_VCPUS_PER_TD (" + TdxModuleConfig.MAX_VCPUS_PER_TD + ")");
    }
    if (ranges2M < 1) throw new IllegalArgumentException("ranges2M < 1");
    if (failPageRemove < 0) throw new IllegalArgumentException("failPageRemove < 0");
    if (failPageWbinvd < 0) throw new IllegalArgumentException("failPageWbinvd < 0");
    if (!Level.PG_LEVEL_2M.isAligned(baseGfn)) throw new IllegalArgumentException("baseGfn must be 2M aligned");
    buildPages = List.copyOf(buildPages);
    List<List<WorkloadStep>> w = new ArrayList<>();
    for (List<WorkloadStep> l : workloads) w.add(List.copyOf(l));
    while (w.size() < vcpus) w.add(List.of());
    if (w.size() > vcpus) throw new IllegalArgumentException("more workloads than vCPUs");
    workloads = List.copyOf(w);
    vmmActions = List.copyOf(vmmActions);
    iommuPinned = List.copyOf(iommuPinned);
    options = Collections.unmodifiableSet(options.isEmpty()
        ? EnumSet.noneOf(DesignOption.class) : EnumSet.copyOf(options));
    long end = baseGfn + ranges2M * Level.PG_LEVEL_2M.pages();
    for (long g : buildPages) {
      if (g < baseGfn || g >= end) throw new IllegalArgumentException("build page outside the memslot: " + g);
    }
    assert workloads.size() == vcpus && end > baseGfn : "one workload per vCPU, a non-empty memslot";
    assert iommuPinned.stream().allMatch(r -> r.gfn() >= baseGfn) : "an IOMMU pin below the memslot";
    assert splitCachePages >= 0 && baseGfn >= 0 : "a split page budget of " + splitCachePages + " at " + baseGfn;
  }

  /** Only a PAGE.REMOVE failure injected (or none). */
  public VmConfig(String name, int vcpus, long baseGfn, int ranges2M, List<Long> buildPages,
      List<List<WorkloadStep>> workloads, List<VmmAction> vmmActions, List<GfnRange> iommuPinned,
      boolean mapSharedIntoUsers, int splitCachePages, Set<DesignOption> options, boolean septVeDisable,
      boolean enhancedDemoteInterruptibility, int accept2mPagesPerStep, int zeroStepThreshold, int failPageRemove) {
    this(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, iommuPinned, mapSharedIntoUsers,
        splitCachePages, options, septVeDisable, enhancedDemoteInterruptibility, accept2mPagesPerStep,
        zeroStepThreshold, failPageRemove, 0);
  }

  /** Without fault injection. */
  public VmConfig(String name, int vcpus, long baseGfn, int ranges2M, List<Long> buildPages,
      List<List<WorkloadStep>> workloads, List<VmmAction> vmmActions, List<GfnRange> iommuPinned,
      boolean mapSharedIntoUsers, int splitCachePages, Set<DesignOption> options, boolean septVeDisable,
      boolean enhancedDemoteInterruptibility, int accept2mPagesPerStep, int zeroStepThreshold) {
    this(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, iommuPinned, mapSharedIntoUsers,
        splitCachePages, options, septVeDisable, enhancedDemoteInterruptibility, accept2mPagesPerStep,
        zeroStepThreshold, 0);
  }

  public long pages() {
    assert ranges2M >= 1 : "ranges2M " + ranges2M;
    return ranges2M * Level.PG_LEVEL_2M.pages();
  }

  public long endGfn() {
    return baseGfn + pages();
  }

  /** The first gfn of 2M range {@code i}. */
  public long range(int i) {
    assert i >= 0 : "2M range " + i;
    return baseGfn + i * Level.PG_LEVEL_2M.pages();
  }

  /**
   * KVM's view. tdx_huge_page: v3 enables 2M mappings only if the module has ENHANCED_DEMOTE_INTERRUPTIBILITY,
   * because it no longer retries an interrupted DEMOTE [C3 Restrictions]; v1, which retried it forever
   * (MUT_ENDLESS_RESTARTABLE, mutation 10), enabled them regardless [C1].
   */
  public KvmConfig kvmConfig() {
    boolean tdxHugePage = enhancedDemoteInterruptibility || options.contains(DesignOption.MUT_ENDLESS_RESTARTABLE);
    assert !tdxHugePage || enhancedDemoteInterruptibility || options.contains(DesignOption.MUT_ENDLESS_RESTARTABLE);
    KvmConfig k = new KvmConfig(vcpus, baseGfn, pages(), options, tdxHugePage);
    assert k.endGfn() == endGfn() && k.shards() >= 1 : "KVM's memslot is the VM's: " + k;
    return k;
  }

  /** The VMM deletes or moves a memslot: the VM gets a {@code memslots} actor (kvm->memslots and kvm->srcu). */
  public boolean changesMemslots() {
    for (VmmAction a : vmmActions) {
      if (a instanceof VmmAction.DeleteMemslot || a instanceof VmmAction.MoveMemslot) return true;
    }
    return false;
  }

  public TdxModuleConfig tdxModuleConfig() {
    assert pages() <= Integer.MAX_VALUE : "a private range too large for the module's tables: " + pages();
    TdxModuleConfig t = new TdxModuleConfig(vcpus, baseGfn, pages(), septVeDisable, enhancedDemoteInterruptibility,
        zeroStepThreshold, accept2mPagesPerStep, failPageRemove, failPageWbinvd);
    assert t.privateGfnStart() == baseGfn && t.privateGfnEnd() == endGfn() : "the TD's private range is the memslot";
    return t;
  }

  public VmConfig withOptions(Set<DesignOption> opts) {
    assert opts != null : "null design options (an empty set is the baseline)";
    return new VmConfig(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, iommuPinned,
        mapSharedIntoUsers, splitCachePages, opts, septVeDisable, enhancedDemoteInterruptibility,
        accept2mPagesPerStep, zeroStepThreshold, failPageRemove, failPageWbinvd);
  }

  public VmConfig withSplitCachePages(int pagesInCache) {
    assert pagesInCache >= 0 : "a negative split page budget " + pagesInCache;
    return new VmConfig(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, iommuPinned,
        mapSharedIntoUsers, pagesInCache, options, septVeDisable, enhancedDemoteInterruptibility,
        accept2mPagesPerStep, zeroStepThreshold, failPageRemove, failPageWbinvd);
  }

  public VmConfig withEnhancedDemoteInterruptibility(boolean v) {
    return new VmConfig(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, iommuPinned,
        mapSharedIntoUsers, splitCachePages, options, septVeDisable, v, accept2mPagesPerStep, zeroStepThreshold,
        failPageRemove, failPageWbinvd);
  }

  /** false: a non-Linux guest (touch before ACCEPT gets #VE); true: a Linux guest. */
  public VmConfig withSeptVeDisable(boolean v) {
    return new VmConfig(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, iommuPinned,
        mapSharedIntoUsers, splitCachePages, options, v, enhancedDemoteInterruptibility, accept2mPagesPerStep,
        zeroStepThreshold, failPageRemove, failPageWbinvd);
  }

  public VmConfig withWorkloads(List<List<WorkloadStep>> w, List<VmmAction> actions) {
    return new VmConfig(name, vcpus, baseGfn, ranges2M, buildPages, w, actions, iommuPinned, mapSharedIntoUsers,
        splitCachePages, options, septVeDisable, enhancedDemoteInterruptibility, accept2mPagesPerStep,
        zeroStepThreshold, failPageRemove, failPageWbinvd);
  }

  public VmConfig withFailPageRemove(int n) {
    return new VmConfig(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, iommuPinned,
        mapSharedIntoUsers, splitCachePages, options, septVeDisable, enhancedDemoteInterruptibility,
        accept2mPagesPerStep, zeroStepThreshold, n, failPageWbinvd);
  }

  public VmConfig withIommuPinned(List<GfnRange> pinned) {
    assert pinned != null : "null IOMMU pins (an empty list is none)";
    return new VmConfig(name, vcpus, baseGfn, ranges2M, buildPages, workloads, vmmActions, pinned,
        mapSharedIntoUsers, splitCachePages, options, septVeDisable, enhancedDemoteInterruptibility,
        accept2mPagesPerStep, zeroStepThreshold, failPageRemove, failPageWbinvd);
  }

  /**
   * A VM with no workload: the given size, the v3 baseline, huge pages enabled, a Linux guest (SEPT_VE_DISABLE
   * set: a touch of a PENDING page kills the VM).
   */
  public static VmConfig empty(String name, int vcpus, int ranges2M) {
    return new VmConfig(name, vcpus, 0x100000L, ranges2M, List.of(), List.of(), List.of(), List.of(), true, 64,
        EnumSet.noneOf(DesignOption.class), true, true, TdxModuleConfig.DEFAULT_ACCEPT_2M_PAGES_PER_STEP,
        TdxModuleConfig.STEPPING_EPF_THRESHOLD);
  }

  /**
   * The default scenario: 8 vCPUs over 16 2M ranges, every flow at once: Linux 2M ACCEPTs, a 2M and a 4K ACCEPT
   * racing on one 2M range (R2), touch-before-accept (KVM maps 2M, the guest then ACCEPTs 4K), MapGPA conversions
   * both ways (a boundary split of a 2M mapping), a conversion back to private refused by a pinned IOMMU mapping,
   * a prefetch followed by a 4K ACCEPT (R11), a prefetch racing a punch hole, VMM conversions with the IOMMU
   * and userspace users, a two-chunk MapGPA, a posted interrupt and a memslot deletion under a prefetch.
   */
  public static VmConfig defaultScenario() {
    VmConfig e = empty("default", 8, 16);
    long r0 = e.range(0);
    List<List<WorkloadStep>> w = List.of(
        List.of(Accept.linux(e.range(1), 512), new Touch(e.range(1), 4), new MapGpa(e.range(14), 1024, true),
            new Prefetch(e.range(13), 512)),
        List.of(Accept.linux(e.range(2), 512), new MapGpa(e.range(2), 16, true), new MapGpa(e.range(2), 16, false),
            new Touch(e.range(2) + 16, 8)),
        List.of(Accept.tolerant(e.range(3), 512, Level.PG_LEVEL_2M), new Touch(e.range(3) + 64, 4)),
        List.of(Accept.tolerant(e.range(3) + 8, 4, Level.PG_LEVEL_4K), new Touch(e.range(3) + 8, 4)),
        List.of(new Touch(e.range(4), 4), new Touch(e.range(5) + 100, 2)),
        List.of(Accept.linux(e.range(6), 8), new MapGpa(e.range(6), 8, true), new MapGpa(e.range(6), 8, false),
            Accept.linux(e.range(7), 512)),
        List.of(new Prefetch(e.range(8), 512), Accept.linux(e.range(8), 4), new Prefetch(e.range(9), 512)),
        List.of(Accept.linux(e.range(10), 512), Accept.linux(e.range(11) + 1, 3), new MapGpa(e.range(11) + 1, 3, true),
            new Touch(e.range(10), 2)));
    List<VmmAction> vmm = List.of(
        new VmmAction.PunchHole(e.range(9), 512),
        new VmmAction.Convert(e.range(12), 512, false),
        new VmmAction.Convert(e.range(12), 512, true),
        new VmmAction.Interrupt(),
        new VmmAction.DeleteMemslot(e.range(13), 512));
    VmConfig d = new VmConfig("default", 8, e.baseGfn(), 16, List.of(r0, r0 + 1, r0 + 2, r0 + 3), w, vmm,
        List.of(new GfnRange(e.range(6), 8)), true, 64, EnumSet.noneOf(DesignOption.class), false, true,
        TdxModuleConfig.DEFAULT_ACCEPT_2M_PAGES_PER_STEP, TdxModuleConfig.STEPPING_EPF_THRESHOLD);
    assert d.insideMemslot();
    return d;
  }

  /**
   * The small scenario for exploration (= scenarios/small.conf): 2 vCPUs over 4 2M ranges. vCPU 0 accepts range 1
   * at 2M (Linux), converts 4 pages of it to shared and back (boundary split, zaps, re-ACCEPT at 4K), touches it,
   * then ACCEPTs range 2 at 2M (a tolerant guest); vCPU 1 touches range 2 first (KVM maps 2M, #VE, ACCEPT at 4K:
   * the accept-level split races vCPU 0's 2M ACCEPT [R2, R4]) and prefetches range 3, which the VMM punches out
   * [R5, R11].
   */
  public static VmConfig small() {
    VmConfig e = empty("small", 2, 4);
    long r0 = e.range(0);
    List<List<WorkloadStep>> w = List.of(
        List.of(Accept.linux(e.range(1), 512), new MapGpa(e.range(1), 4, true), new MapGpa(e.range(1), 4, false),
            new Touch(e.range(1) + 4, 2), Accept.tolerant(e.range(2), 512, Level.PG_LEVEL_2M)),
        List.of(new Touch(e.range(2), 2), new Prefetch(e.range(3), 512)));
    List<VmmAction> vmm = List.of(new VmmAction.PunchHole(e.range(3), 512));
    VmConfig s = new VmConfig("small", 2, e.baseGfn(), 4, List.of(r0, r0 + 1), w, vmm, List.of(), true, 16,
        EnumSet.noneOf(DesignOption.class), false, true, TdxModuleConfig.DEFAULT_ACCEPT_2M_PAGES_PER_STEP,
        TdxModuleConfig.STEPPING_EPF_THRESHOLD);
    assert s.insideMemslot();
    return s;
  }

  /** A built-in scenario's steps, actions and pins all fall inside its memslot (a user's need not). */
  private boolean insideMemslot() {
    for (List<WorkloadStep> l : workloads) {
      for (WorkloadStep st : l) {
        assert st.gfn() >= baseGfn && st.end() <= endGfn() && st.pages() > 0 : name + ": step " + st + " outside";
      }
    }
    for (VmmAction a : vmmActions) {
      assert !(a instanceof VmmAction.PunchHole p) || p.gfn() >= baseGfn && p.end() <= endGfn() : name + ": " + a;
      assert !(a instanceof VmmAction.Convert c) || c.gfn() >= baseGfn && c.end() <= endGfn() : name + ": " + a;
      assert !(a instanceof VmmAction.DeleteMemslot d) || d.gfn() >= baseGfn && d.end() <= endGfn() : name + ": " + a;
    }
    for (GfnRange r : iommuPinned) assert r.gfn() >= baseGfn && r.end() <= endGfn() : name + ": pin " + r;
    return true;
  }
}
