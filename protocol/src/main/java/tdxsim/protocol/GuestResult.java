package tdxsim.protocol;

/** What the TDX module tells a vCPU: about entering, TDCALL and memory-access outcomes, and TD exits. */
public sealed interface GuestResult extends VcpuMsg {
  int vcpu();

  long tag();

  /** TDH.VP.ENTER succeeded: the vCPU now runs in TD non-root mode, counted in the current TLB epoch. */
  record TdEntered(int vcpu, long tag) implements GuestResult {}

  /** TDH.VP.ENTER failed without entering (e.g. TDX_OPERAND_BUSY). */
  record VpEnterFailed(int vcpu, TdxStatus status, long tag) implements GuestResult {}

  /** A TDCALL (ACCEPT) completed inside the guest with RAX = {@code status}; the guest keeps running. */
  record TdcallReturn(int vcpu, long gfn, Level level, TdxStatus status, long tag) implements GuestResult {}

  /** A guest access hit a guest-accessible (MAPPED) leaf. */
  record GuestAccessOk(int vcpu, long gfn, long tag) implements GuestResult {}

  /** #VE injected into the guest: an access to a PENDING page with SEPT_VE_DISABLE clear. */
  record VirtualizationException(int vcpu, long gfn, long tag) implements GuestResult {}

  /**
   * TD exit: TDH.VP.ENTER returns to the host. For an EPT violation raised by ACCEPT (case b of
   * tdg_mem_page_accept.c) the extended exit qualification is type ACCEPT and {@code acceptLevel} is the
   * level the guest asked for; otherwise {@code acceptLevel} is null. {@code pendingEptViolation}: the extended
   * exit qualification type is PENDING_EPT_VIOLATION (6): a guest access hit a PENDING page with SEPT_VE_DISABLE
   * set [TDXM td_ept_violation.c], what tdx_is_sept_violation_unexpected_pending tests [LNX tdx.c].
   */
  record TdExit(int vcpu, ExitReason reason, long gfn, Level acceptLevel, long tag, boolean pendingEptViolation)
      implements GuestResult {
    /** Any TD exit but a pending-page EPT violation. */
    public TdExit(int vcpu, ExitReason reason, long gfn, Level acceptLevel, long tag) {
      this(vcpu, reason, gfn, acceptLevel, tag, false);
    }

    public boolean isAcceptExit() {
      return reason == ExitReason.EPT_VIOLATION && acceptLevel != null;
    }
  }
}
