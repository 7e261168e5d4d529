package tdxsim.actors.vcpu;

import tdxsim.protocol.Level;

/** One step of a vCPU's guest workload (the VM config gives each vCPU a list). Ranges are [gfn, gfn + pages). */
public sealed interface WorkloadStep {
  long gfn();

  long pages();

  default long end() {
    return gfn() + pages();
  }

  /** How the guest reacts to ACCEPT outcomes. */
  enum AcceptStyle {
    /**
     * Linux tdx_accept_memory/try_accept_one [LNX tdx-shared.c]: 1G, then 2M, then 4K, each only if aligned and
     * long enough; ANY non-zero status falls through to the next size; a 4K failure makes arch_accept_memory()
     * panic ("TDX: Failed to accept memory"). Linux never accepts a page twice (its unaccepted bitmap), so a
     * scenario must not give other vCPUs ACCEPTs on its pages.
     */
    LINUX,
    /**
     * A non-Linux guest: SUCCESS and TDX_PAGE_ALREADY_ACCEPTED both mean accepted; a failed 2M ACCEPT falls back to
     * 4K; a BUSY 4K ACCEPT is retried; any other 4K failure is a panic.
     */
    TOLERANT
  }

  /** ACCEPT [gfn, gfn + pages), starting at most at {@code maxLevel} (1G for Linux; a tolerant guest stops at 2M). */
  record Accept(long gfn, long pages, Level maxLevel, AcceptStyle style) implements WorkloadStep {
    public Accept {
      assert gfn >= 0 && pages >= 0 && maxLevel != null && style != null : "an ACCEPT of " + pages + " at " + gfn;
    }

    /** Linux tries 1G first (only if aligned and long enough). */
    public static Accept linux(long gfn, long pages) {
      return new Accept(gfn, pages, Level.PG_LEVEL_1G, AcceptStyle.LINUX);
    }

    public static Accept tolerant(long gfn, long pages, Level maxLevel) {
      assert maxLevel != null : "a tolerant guest's ACCEPT without a level";
      return new Accept(gfn, pages, maxLevel, AcceptStyle.TOLERANT);
    }
  }

  /**
   * Write every page of the range. A page the guest has not accepted may be touched first (non-Linux guests:
   * KVM picks the mapping level); on #VE the guest ACCEPTs it at 4K and touches it again [C2 Open 2, P3-13]. A
   * #VE on a page this vCPU accepted (with no conversion since) is data loss.
   */
  record Touch(long gfn, long pages) implements WorkloadStep {
    public Touch {
      assert gfn >= 0 && pages >= 0 : "a touch of " + pages + " pages at " + gfn;
    }
  }

  /**
   * MapGPA (TDG.VP.VMCALL&lt;MapGPA&gt;): set_memory_decrypted ({@code toShared}) or set_memory_encrypted; after a
   * successful conversion to private the guest ACCEPTs the range (Linux style) [2.4 Guest side].
   */
  record MapGpa(long gfn, long pages, boolean toShared) implements WorkloadStep {
    public MapGpa { // the guest's MapGPA task is never empty
      assert gfn >= 0 && pages > 0 : "MapGPA of " + pages + " pages at " + gfn;
    }
  }

  /** KVM_PRE_FAULT_MEMORY on this vCPU by the VMM (outside KVM_RUN): map the range before the guest uses it. */
  record Prefetch(long gfn, long pages) implements WorkloadStep {
    public Prefetch { // KVM_PRE_FAULT_MEMORY of an empty range is not issued
      assert gfn >= 0 && pages > 0 : "KVM_PRE_FAULT_MEMORY of " + pages + " pages at " + gfn;
    }
  }
}
