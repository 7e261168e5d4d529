package tdxsim.actors.kvm;

import tdxsim.actors.monitor.Flow;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxModuleMsg;

/**
 * tdx_track(kvm) [LNX tdx.c]: with mmu_lock held for write, tdh_do_no_vcpus(tdh_mem_track) (TDX_BUG_ON on error),
 * then kvm_make_all_cpus_request(kvm, KVM_REQ_OUTSIDE_GUEST_MODE), which returns once every vCPU that was in guest
 * mode has exited: after that no vCPU runs with the old TLB epoch. Nothing to do before TD_STATE_RUNNABLE ("it's
 * before any vcpu running").
 */
public final class TdxTrack {
  private TdxTrack() {}

  public static void run(KvmContext ctx, long gfn, Runnable done) {
    if (!ctx.tdRunnable()) {
      done.run();
      return;
    }
    ctx.assertWriteLocked("tdx_track");
    assert gfn >= 0 && done != null : "tdx_track for gfn " + gfn;
    TdhDoNoVcpus.run(ctx, TdxModuleMsg.TdhMemTrack::new, r -> {
      assert r.leaf() == SeamcallLeaf.TDH_MEM_TRACK : r;
      ctx.assertWriteLocked("tdx_track"); // lockdep_assert_held_write(&kvm->mmu_lock), across the kick too
      if (!r.status().isSuccess()) {
        ctx.bugOn("TDX_BUG_ON(TDH_MEM_TRACK)", r.status().name() + " " + r.status().hex(), gfn);
      }
      ctx.flow(Flow.TRACK, gfn, Level.PG_LEVEL_4K);
      if (ctx.config().has(DesignOption.MUT_SKIP_KICK)) {
        done.run(); // mutation 7c: no kvm_make_all_cpus_request(KVM_REQ_OUTSIDE_GUEST_MODE)
        return;
      }
      ctx.kickAllVcpus(false, done);
    });
  }
}
