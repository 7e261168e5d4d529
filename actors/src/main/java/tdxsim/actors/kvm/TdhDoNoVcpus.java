package tdxsim.actors.kvm;

import java.util.function.Consumer;
import java.util.function.Function;
import tdxsim.actors.monitor.Flow;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * tdh_do_no_vcpus(tdh_func, kvm, args...) [LNX tdx.c, Sean's 6.19 TDX cleanup]: execute a SEAMCALL related to
 * blocking/removing/demoting S-EPT entries, with mmu_lock held for write, and a single retry if it hits
 * TDX_OPERAND_BUSY: set kvm_tdx->wait_for_sept_zap, kick every vCPU out of the guest (they do not re-enter while
 * the flag is set), call it again, clear the flag. "The retry is guaranteed to succeed, absent KVM and/or
 * TDX-Module bugs": the caller turns a second failure into KVM_BUG_ON/TDX_BUG_ON.
 */
public final class TdhDoNoVcpus {
  private TdhDoNoVcpus() {}

  public static void run(KvmContext ctx, Function<TdxModuleMsg.Caller, TdxModuleMsg.Seamcall> tdhFunc,
      Consumer<SeamcallResult> done) {
    ctx.assertWriteLocked("tdh_do_no_vcpus");
    assert tdhFunc != null && done != null : "tdh_do_no_vcpus without a SEAMCALL";
    ctx.seamcall(tdhFunc, first -> {
      ctx.assertWriteLocked("tdh_do_no_vcpus"); // held across the SEAMCALL
      if (!tdxOperandBusy(first.status())) {
        done.accept(first);
        return;
      }
      ctx.flow(Flow.NO_VCPUS_RETRY, first.gfn(), first.level());
      // WRITE_ONCE(wait_for_sept_zap, true); kvm_make_all_cpus_request(kvm, KVM_REQ_OUTSIDE_GUEST_MODE)
      ctx.kickAllVcpus(true, () -> ctx.seamcall(tdhFunc, second -> {
        assert second.leaf() == first.leaf() && second.gfn() == first.gfn() : "the retry of " + first + ": " + second;
        assert second.level() == first.level() : "the retry of " + first + " at another level: " + second;
        ctx.assertWriteLocked("tdh_do_no_vcpus"); // the write lock is held across the kick and the retry
        ctx.clearWaitForSeptZap(); // WRITE_ONCE(wait_for_sept_zap, false)
        done.accept(second);
      }));
    });
  }

  /**
   * tdx_operand_busy(err): (err &amp; TDX_SEAMCALL_STATUS_MASK) == TDX_OPERAND_BUSY. The host-priority flavour is
   * what the guest side sees; a host SEAMCALL never returns it.
   */
  public static boolean tdxOperandBusy(TdxStatus st) {
    assert st != TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY : "a host SEAMCALL never returns the guest-side flavour";
    return st == TdxStatus.TDX_OPERAND_BUSY;
  }
}
