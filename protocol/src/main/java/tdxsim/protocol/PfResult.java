package tdxsim.protocol;

/**
 * What kvm_tdp_mmu_page_fault / kvm_tdp_mmu_map return: a RET_PF_* code ({@link RetPf}) or a negated errno
 * ({@link Errno}). Errors from installing an SPTE (-EBUSY from a lost cmpxchg or a BUSY SEAMCALL, -EOPNOTSUPP
 * from the rejected shared-lock split) become RET_PF_RETRY, exactly as kvm_tdp_mmu_map does ({@code goto
 * retry}); the cause is reported as a FlowStep. {@code toString()} is the kernel's name ("RET_PF_FIXED", "-EIO").
 */
public sealed interface PfResult permits RetPf, Errno {
  RetPf RET_PF_FIXED = RetPf.RET_PF_FIXED;
  RetPf RET_PF_SPURIOUS = RetPf.RET_PF_SPURIOUS;
  RetPf RET_PF_RETRY = RetPf.RET_PF_RETRY;

  static boolean isRetry(PfResult r) {
    return r == RetPf.RET_PF_RETRY;
  }

  /** RET_PF_FIXED or RET_PF_SPURIOUS: resume the guest. */
  static boolean isDone(PfResult r) {
    return r == RetPf.RET_PF_FIXED || r == RetPf.RET_PF_SPURIOUS;
  }

  static boolean isError(PfResult r) {
    return r instanceof Errno;
  }
}
