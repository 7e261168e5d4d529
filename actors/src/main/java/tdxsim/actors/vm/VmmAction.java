package tdxsim.actors.vm;

/** What the VMM does on its own once the TD runs (sequentially, concurrently with the vCPUs' workloads). */
public sealed interface VmmAction {

  /** fallocate(PUNCH_HOLE) on guest_memfd over [gfn, gfn + pages). */
  record PunchHole(long gfn, long pages) implements VmmAction {
    public PunchHole {
      assert gfn >= 0 && pages >= 0 : "fallocate(PUNCH_HOLE) of " + pages + " pages at " + gfn;
    }

    public long end() {
      return gfn + pages;
    }
  }

  /**
   * A conversion the VMM starts (KVM_SET_MEMORY_ATTRIBUTES2 / guest_memfd convert) of [gfn, gfn + pages); a range
   * converted to shared is then mapped into the invalidation users (userspace mmap, IOMMU DMA) if the config says
   * so.
   */
  record Convert(long gfn, long pages, boolean toPrivate) implements VmmAction {
    public Convert { // the VMM converts a non-empty range (Vmm.convert)
      assert gfn >= 0 && pages > 0 : "a conversion of " + pages + " pages at " + gfn;
    }

    public long end() {
      return gfn + pages;
    }
  }

  /**
   * A burst of host NMIs (perf sampling, the NMI watchdog) on every logical processor that runs KVM code (each
   * vCPU thread, the guest_memfd ioctl context, the VMM): each of a context's next {@code count} host SEAMCALLs has
   * an NMI racing it, a TDX_MODULE HostInterrupt message sent right behind the SEAMCALL that the explorer lands
   * inside it (pending: TDH.MEM.PAGE.DEMOTE returns TDX_INTERRUPTED_RESTARTABLE unless the module has
   * ENHANCED_DEMOTE_INTERRUPTIBILITY) or after it (handled by the host) [C2 Open 3, C3 Restrictions]. The burst
   * reaches each context when the explorer delivers it; the VMM goes on with its next action at once.
   */
  record Nmi(int count) implements VmmAction {
    public Nmi {
      if (count < 1) throw new IllegalArgumentException("nmi count must be positive: " + count);
    }
  }

  /**
   * Shut the TD down: join every vCPU thread (each ends its workload first), close the guest_memfd
   * (kvm_gmem_release), then the VM fd (kvm_destroy_vm: tdx_mmu_release_hkid, the S-EPT pages reclaimed and
   * freed). The last action: nothing runs in the TD after it.
   */
  record Destroy() implements VmmAction {}

  /**
   * KVM_SET_USER_MEMORY_REGION2 with size 0 on the memslot [gfn, gfn + pages) (the VMM's layout has it as a
   * memslot of its own; 2M aligned): the slot is invalidated, zapped and deleted while the vCPUs run.
   */
  record DeleteMemslot(long gfn, long pages) implements VmmAction {
    public DeleteMemslot { // a memslot of its own in the VMM's layout: 2M aligned
      assert gfn >= 0 && pages > 0 && (gfn | pages) % 512 == 0 : "a memslot [" + gfn + ", +" + pages + ")";
    }

    public long end() {
      return gfn + pages;
    }
  }

  /** KVM_SET_USER_MEMORY_REGION2 moving the memslot at [gfn, gfn + pages) to {@code to}: -EINVAL for gmem. */
  record MoveMemslot(long gfn, long pages, long to) implements VmmAction {
    public MoveMemslot {
      assert gfn >= 0 && pages > 0 && (gfn | pages) % 512 == 0 && to >= 0 : "a MOVE of [" + gfn + ", +" + pages + ")";
    }
  }

  /**
   * A device interrupt for every vCPU (irqfd / KVM_SIGNAL_MSI: a posted interrupt each); the VMM goes on at once.
   */
  record Interrupt() implements VmmAction {}

  /** A signal to every vCPU thread (SIG_IPI, as QEMU's qemu_cpu_kick sends); the VMM goes on at once. */
  record Signal() implements VmmAction {}
}
