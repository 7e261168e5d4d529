package tdxsim.actors.vcpu;

import tdxsim.actors.monitor.Flow;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.protocol.Errno;
import tdxsim.protocol.PfResult;
import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Level;

/**
 * KVM_PRE_FAULT_MEMORY as the VMM issues it on a vCPU fd: kvm_vcpu_pre_fault_memory holds kvm->srcu across
 * kvm_arch_vcpu_pre_fault_memory → kvm_tdp_map_page (retried while RET_PF_RETRY) for each chunk; the next chunk
 * starts after the huge page just mapped. -EAGAIN (the gfn's memslot is being deleted or moved [LNX mmu.c,
 * MEMSLOT-RETRY]) returns to userspace, which drops SRCU with the ioctl and issues it again from where it stopped;
 * so does -EINTR (a signal is pending before an attempt); any other error ends the ioctl, and the VMM goes on.
 */
final class PrefetchIoctl {
  private final KvmContext kvm;
  private final int vcpu;
  private final MemslotView slots;
  private final EptViolationHandler ept;
  private final PendingEvents events;
  private final long end;
  private final Runnable done;

  PrefetchIoctl(KvmContext kvm, int vcpu, MemslotView slots, EptViolationHandler ept, PendingEvents events, long end,
      Runnable done) {
    assert kvm != null && slots != null && ept != null && events != null && done != null : "prefetch of vcpu " + vcpu;
    assert kvm.vcpuId() == vcpu : kvm.name() + " issues KVM_PRE_FAULT_MEMORY on vcpu " + vcpu; // a vCPU ioctl
    this.kvm = kvm;
    this.vcpu = vcpu;
    this.slots = slots;
    this.ept = ept;
    this.events = events;
    this.end = end;
    this.done = done;
  }

  /** The ioctl from {@code start}. */
  void issue(long start) {
    assert start >= 0 && start <= end : kvm.name() + ": KVM_PRE_FAULT_MEMORY from " + start + " to " + end;
    slots.readLock();
    step(start);
  }

  private void step(long cur) {
    assert kvm.held() == null : kvm.name() + ": kvm_tdp_map_page loops outside mmu_lock";
    if (cur >= end) {
      finish();
      return;
    }
    if (events.takeSignal(Flow.PREFAULT_EINTR, cur)) { // kvm_tdp_map_page: signal_pending → -EINTR
      slots.readUnlock(); // userspace handles the signal and issues the ioctl again from cur
      issue(cur);
      return;
    }
    kvm.observe(new FaultBegin(vcpu, cur));
    slots.fault(cur, true, ept::privateMaxMappingLevel,
        kvm.config().has(DesignOption.V1_IGNORE_SHARED_SPLIT) ? () -> { } : null, o -> {
          PfResult r = o.result();
          assert r != null && (o.mappedLevel() == null || PfResult.isDone(r)) : "a mapped level with " + r;
          kvm.observe(new FaultEnd(vcpu, cur, r));
          if (PfResult.isRetry(r) && !kvm.vmDead()) {
            step(cur);
          } else if (PfResult.isDone(r)) {
            Level l = o.mappedLevel();
            assert l != null : kvm.name() + ": prefault " + r + " at " + cur + " without a mapped level";
            long nextChunk = l.base(cur) + l.pages();
            assert nextChunk > cur : kvm.name() + ": prefault made no progress at " + cur; // monotone chunks
            step(nextChunk);
          } else if (r == Errno.EAGAIN && !kvm.vmDead()) {
            kvm.flow(Flow.PREFAULT_EAGAIN, cur, Level.PG_LEVEL_4K);
            slots.readUnlock(); // the ioctl returns -EAGAIN; userspace issues it again from cur
            issue(cur);
          } else {
            kvm.flow(Flow.PREFETCH_FAILED, cur, Level.PG_LEVEL_4K); // r: the FaultEnd before it
            finish();
          }
        });
  }

  private void finish() {
    assert kvm.held() == null : kvm.name() + ": KVM_PRE_FAULT_MEMORY returns under mmu_lock";
    slots.readUnlock();
    done.run();
  }
}
