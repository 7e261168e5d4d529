package tdxsim.actors.tdx;

/**
 * Static configuration of one TDX module instance (one TD).
 *
 * @param vcpus number of TD vCPUs (ids 0 .. vcpus-1)
 * @param privateGfnStart first gfn of the modelled private range
 * @param privateGfnCount number of 4K gfns in the private range; every 1G region it touches starts as a
 *     present non-leaf (NL_MAPPED) root entry
 * @param septVeDisable TD attribute SEPT_VE_DISABLE: set = a guest access to a PENDING page TD-exits with an
 *     EPT violation, clear = the module injects #VE [TDXM td_ept_violation.c, pending_ve_disable]
 * @param enhancedDemoteInterruptibility TDX_FEATURES0.ENHANCED_DEMOTE_INTERRUPTIBILITY: set = TDH.MEM.PAGE.DEMOTE
 *     (of a TD without L2 VMs) never returns TDX_INTERRUPTED_RESTARTABLE [C3 Restrictions]
 * @param zeroStepThreshold STEPPING_EPF_THRESHOLD: EPT violations without forward progress tolerated before the
 *     faulting gfn is put on the vCPU's zero-step list [TDXM td_exit_stepping.h]
 * @param accept2mPagesPerStep how many of the 512 4K pages a 2M TDG.MEM.PAGE.ACCEPT zeroes per {@code Continue}
 *     step; a pending interrupt is honoured between steps (the module checks after every page; the model
 *     checks after every step). 512 makes a 2M ACCEPT a single step.
 * @param failPageRemove fault injection: the n-th TDH.MEM.PAGE.REMOVE (1-based, counting the calls that got their
 *     locks) fails with TDX_EPT_ENTRY_STATE_INCORRECT and removes nothing, as a module or KVM bug would make it;
 *     0 = never. For the "REMOVE fails" comparison of TDX folio refs [T08 Yan, R8].
 * @param failPageWbinvd fault injection: the n-th TDH.PHYMEM.PAGE.WBINVD fails with TDX_OPERAND_BUSY (its PAMT
 *     entry's lock, the only error KVM's tdh_phymem_page_wbinvd_hkid can meet on a page it just removed) and
 *     flushes nothing; 0 = never
 */
public record TdxModuleConfig(
    int vcpus,
    long privateGfnStart,
    long privateGfnCount,
    boolean septVeDisable,
    boolean enhancedDemoteInterruptibility,
    int zeroStepThreshold,
    int accept2mPagesPerStep,
    int failPageRemove,
    int failPageWbinvd) {

  /** STEPPING_EPF_THRESHOLD [TDXM td_exit_stepping.h]. */
  public static final int STEPPING_EPF_THRESHOLD = 6;

  /** EPF_GPA_LIST_SIZE: capacity of a vCPU's zero-step list (last_epf_gpa_list) [TDXM tdx_tdvps.h]. */
  public static final int EPF_GPA_LIST_SIZE = 32;

  /**
   * MAX_VCPUS_PER_TD [TDXM td_control_structures.h]: TDH.MNG.INIT refuses a larger max_vcpus, and KVM caps
   * kvm->max_vcpus at the module's max_vcpus_per_td [LNX tdx.c tdx_vm_init]. More vCPUs means more TDs.
   */
  public static final int MAX_VCPUS_PER_TD = 576;

  /** Default granularity of 2M ACCEPT progress: two steps, so an interrupt can land half-way. */
  public static final int DEFAULT_ACCEPT_2M_PAGES_PER_STEP = 256;

  public TdxModuleConfig {
    if (vcpus < 1) throw new IllegalArgumentException("vcpus must be >= 1: " + vcpus);
    if (vcpus > MAX_VCPUS_PER_TD) {
      throw new IllegalArgumentException("a TD has at most MAX_VCPUS_PER_TD = " + MAX_VCPUS_PER_TD + " vCPUs: " + vcpus);
    }
    if (privateGfnStart < 0) throw new IllegalArgumentException("privateGfnStart < 0");
    if (privateGfnCount < 1) throw new IllegalArgumentException("privateGfnCount must be >= 1");
    if (zeroStepThreshold < 0) throw new IllegalArgumentException("zeroStepThreshold < 0");
    if (accept2mPagesPerStep < 1 || accept2mPagesPerStep > 512) {
      throw new IllegalArgumentException("accept2mPagesPerStep must be in 1..512: " + accept2mPagesPerStep);
    }
    if (failPageRemove < 0) throw new IllegalArgumentException("failPageRemove < 0");
    assert privateGfnStart + privateGfnCount > privateGfnStart : "the private range wraps around";
    if (failPageWbinvd < 0) throw new IllegalArgumentException("failPageWbinvd < 0");
  }

  /** Only a PAGE.REMOVE failure injected (or none). */
  public TdxModuleConfig(int vcpus, long privateGfnStart, long privateGfnCount, boolean septVeDisable,
      boolean enhancedDemoteInterruptibility, int zeroStepThreshold, int accept2mPagesPerStep, int failPageRemove) {
    this(vcpus, privateGfnStart, privateGfnCount, septVeDisable, enhancedDemoteInterruptibility, zeroStepThreshold,
        accept2mPagesPerStep, failPageRemove, 0);
  }

  /** No fault injection. */
  public TdxModuleConfig(int vcpus, long privateGfnStart, long privateGfnCount, boolean septVeDisable,
      boolean enhancedDemoteInterruptibility, int zeroStepThreshold, int accept2mPagesPerStep) {
    this(vcpus, privateGfnStart, privateGfnCount, septVeDisable, enhancedDemoteInterruptibility, zeroStepThreshold,
        accept2mPagesPerStep, 0);
  }

  /**
   * Defaults as KVM/QEMU configure a Linux TD: SEPT_VE_DISABLE set, a module without enhanced demote
   * interruptibility, the module's stepping threshold.
   */
  public static TdxModuleConfig of(int vcpus, long privateGfnStart, long privateGfnCount) {
    return new TdxModuleConfig(vcpus, privateGfnStart, privateGfnCount, true, false, STEPPING_EPF_THRESHOLD,
        DEFAULT_ACCEPT_2M_PAGES_PER_STEP, 0);
  }

  public TdxModuleConfig withSeptVeDisable(boolean v) {
    return new TdxModuleConfig(vcpus, privateGfnStart, privateGfnCount, v, enhancedDemoteInterruptibility,
        zeroStepThreshold, accept2mPagesPerStep, failPageRemove, failPageWbinvd);
  }

  public TdxModuleConfig withEnhancedDemoteInterruptibility(boolean v) {
    return new TdxModuleConfig(vcpus, privateGfnStart, privateGfnCount, septVeDisable, v, zeroStepThreshold,
        accept2mPagesPerStep, failPageRemove, failPageWbinvd);
  }

  public TdxModuleConfig withZeroStepThreshold(int v) {
    return new TdxModuleConfig(vcpus, privateGfnStart, privateGfnCount, septVeDisable,
        enhancedDemoteInterruptibility, v, accept2mPagesPerStep, failPageRemove, failPageWbinvd);
  }

  public TdxModuleConfig withAccept2mPagesPerStep(int v) {
    return new TdxModuleConfig(vcpus, privateGfnStart, privateGfnCount, septVeDisable,
        enhancedDemoteInterruptibility, zeroStepThreshold, v, failPageRemove, failPageWbinvd);
  }

  public TdxModuleConfig withFailPageRemove(int n) {
    return new TdxModuleConfig(vcpus, privateGfnStart, privateGfnCount, septVeDisable,
        enhancedDemoteInterruptibility, zeroStepThreshold, accept2mPagesPerStep, n, failPageWbinvd);
  }

  /** One past the last private gfn. */
  public long privateGfnEnd() {
    return privateGfnStart + privateGfnCount;
  }

  public boolean isPrivate(long gfn) {
    assert gfn >= 0 : "negative gfn " + gfn;
    return gfn >= privateGfnStart && gfn < privateGfnEnd();
  }
}
