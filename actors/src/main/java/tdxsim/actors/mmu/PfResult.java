package tdxsim.actors.mmu;

/**
 * What kvm_tdp_mmu_page_fault / kvm_tdp_mmu_map return: RET_PF_* or an errno name ("-EIO", "-EFAULT", ...).
 * Errors from installing an SPTE (-EBUSY from a lost cmpxchg or a BUSY SEAMCALL, -EOPNOTSUPP from the rejected
 * shared-lock split) become RET_PF_RETRY, exactly as kvm_tdp_mmu_map does ({@code goto retry}); the cause is
 * reported as a FlowStep.
 */
public final class PfResult {
  private PfResult() {}

  public static final String RET_PF_FIXED = "RET_PF_FIXED";
  public static final String RET_PF_SPURIOUS = "RET_PF_SPURIOUS";
  public static final String RET_PF_RETRY = "RET_PF_RETRY";

  public static boolean isRetry(String r) {
    return RET_PF_RETRY.equals(r);
  }

  /** RET_PF_FIXED or RET_PF_SPURIOUS: resume the guest. */
  public static boolean isDone(String r) {
    return RET_PF_FIXED.equals(r) || RET_PF_SPURIOUS.equals(r);
  }

  public static boolean isError(String r) {
    return r.startsWith("-");
  }
}
