package tdxsim.actors.vcpu;

import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.PfResult;

/**
 * What one kvm_mmu_do_page_fault attempt returned: RET_PF_* or an errno, whether it prepared a
 * KVM_EXIT_MEMORY_FAULT (vcpu->run->memory_fault filled), and the level it mapped (RET_PF_FIXED / SPURIOUS).
 */
record FaultOutcome(PfResult result, boolean memoryFaultExit, Level mappedLevel) {
  FaultOutcome {
    assert result != null && (mappedLevel == null || PfResult.isDone(result)) : "a mapped level with " + result;
    // kvm_mmu_prepare_memory_fault_exit goes with -EFAULT (KVM_EXIT_MEMORY_FAULT)
    assert !memoryFaultExit || result == Errno.EFAULT : "a memory-fault exit with " + result;
  }
}
