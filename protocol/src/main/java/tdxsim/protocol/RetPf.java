package tdxsim.protocol;

/** The RET_PF_* codes of arch/x86/kvm/mmu/mmu_internal.h that the modelled fault flows return. */
public enum RetPf implements PfResult {
  /** Let the vCPU fault again (kvm_tdp_mmu_map's {@code goto retry}, a stale fault, a frozen SPTE). */
  RET_PF_RETRY,
  /** The fault installed an SPTE. */
  RET_PF_FIXED,
  /** Another vCPU had installed the SPTE already. */
  RET_PF_SPURIOUS
}
