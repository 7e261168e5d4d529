package tdxsim.actors.vcpu;

import tdxsim.protocol.Level;

/**
 * What one kvm_mmu_do_page_fault attempt returned: RET_PF_* or an errno name, whether it prepared a
 * KVM_EXIT_MEMORY_FAULT (vcpu->run->memory_fault filled), and the level it mapped (RET_PF_FIXED / SPURIOUS).
 */
record FaultOutcome(String result, boolean memoryFaultExit, Level mappedLevel) {}
