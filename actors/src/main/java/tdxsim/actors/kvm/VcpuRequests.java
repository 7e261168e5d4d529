package tdxsim.actors.kvm;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.actors.monitor.Flow;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.VcpuMsg;

/**
 * The requests one KVM context makes of every vCPU (kvm_make_all_cpus_request): KVM_REQ_OUTSIDE_GUEST_MODE with
 * wait (the kicks of tdx_track and tdh_do_no_vcpus, KVM_REQ_TLB_FLUSH from kvm_flush_remote_tlbs), the
 * kvm_tdx->wait_for_sept_zap flag that goes with tdh_do_no_vcpus' kick, and KVM_REQ_VM_DEAD [LNX kvm_main.c].
 */
final class VcpuRequests {
  private final KvmContext ctx;
  /** vCPUs that have been told wait_for_sept_zap by this context and not yet released. */
  private final Set<Integer> septZapHeld = new LinkedHashSet<>();

  VcpuRequests(KvmContext ctx) {
    this.ctx = ctx;
  }

  /** The kick with wait; {@code k} runs once every other vCPU has acknowledged it. */
  void kickAll(boolean waitForSeptZap, Runnable k) {
    // wait_for_sept_zap is set and cleared under the write lock: one tdh_do_no_vcpus at a time
    assert !waitForSeptZap || septZapHeld.isEmpty() : ctx.name() + ": wait_for_sept_zap already set";
    ctx.flow(waitForSeptZap ? Flow.KICK_WAIT_FOR_SEPT_ZAP : Flow.KICK, 0, Level.PG_LEVEL_4K);
    List<ActorRef<VcpuMsg>> vcpus = ctx.peers().vcpus();
    int others = 0;
    long tag = ctx.mintTag();
    for (int i = 0; i < vcpus.size(); i++) {
      if (i == ctx.vcpuId()) continue; // the kicker itself runs KVM code: outside guest mode
      others++;
      if (waitForSeptZap) septZapHeld.add(i);
      vcpus.get(i).tell(new VcpuMsg.KickRequest(ctx.name(), waitForSeptZap, ctx.self(), tag));
    }
    if (others == 0) {
      k.run();
      return;
    }
    awaitAcks(tag, others, k);
  }

  private void awaitAcks(long tag, int left, Runnable k) {
    ctx.await(tag, KvmReply.KickAck.class, a -> {
      if (left > 1) {
        awaitAcks(tag, left - 1, k); // keep waiting for the others
      } else {
        k.run();
      }
    });
  }

  /** WRITE_ONCE(kvm_tdx->wait_for_sept_zap, false). */
  void clearWaitForSeptZap() {
    for (int i : septZapHeld) ctx.peers().vcpus().get(i).tell(new VcpuMsg.SeptZapDone(ctx.name()));
    septZapHeld.clear();
  }

  /** KVM_REQ_VM_DEAD to every other vCPU (this context, if a vCPU, sees its own request on its way out). */
  void vmDead() {
    List<ActorRef<VcpuMsg>> vcpus = ctx.peers().vcpus();
    for (int i = 0; i < vcpus.size(); i++) {
      if (i != ctx.vcpuId()) vcpus.get(i).tell(new VcpuMsg.VmDead(ctx.name()));
    }
  }
}
