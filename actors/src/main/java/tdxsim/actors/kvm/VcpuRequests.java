package tdxsim.actors.kvm;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.actors.monitor.Flow;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.VcpuMsg;

/**
 * The requests one KVM context makes of every vCPU (kvm_make_all_cpus_request): KVM_REQ_OUTSIDE_GUEST_MODE with
 * wait (the kicks of tdx_track and tdh_do_no_vcpus, KVM_REQ_TLB_FLUSH from kvm_flush_remote_tlbs), the
 * kvm_tdx->wait_for_sept_zap flag that goes with tdh_do_no_vcpus' kick, and KVM_REQ_VM_DEAD [LNX kvm_main.c].
 */
final class VcpuRequests {
  private final KvmContext ctx;
  /**
   * vCPUs that have been told wait_for_sept_zap by this context and not yet released; made on first use (most
   * contexts are vCPUs that never zap: an empty set each was a tenth of a vCPU's bytes).
   */
  private Set<Integer> septZapHeld;

  VcpuRequests(KvmContext ctx) {
    assert ctx != null : "requests without a context";
    this.ctx = ctx;
  }

  /** The kick with wait; {@code k} runs once every other vCPU has acknowledged it. */
  void kickAll(boolean waitForSeptZap, Runnable k) {
    assert k != null && ctx.peers() != null : ctx.name() + ": a kick before the context is wired";
    // wait_for_sept_zap is set and cleared under the write lock: one tdh_do_no_vcpus at a time
    assert !waitForSeptZap || septZapHeld == null || septZapHeld.isEmpty()
        : ctx.name() + ": wait_for_sept_zap already set";
    if (waitForSeptZap && septZapHeld == null) septZapHeld = new LinkedHashSet<>();
    assert !waitForSeptZap || ctx.held() == LockMode.EXCLUSIVE : ctx.name() + ": wait_for_sept_zap set unlocked";
    ctx.flow(waitForSeptZap ? Flow.KICK_WAIT_FOR_SEPT_ZAP : Flow.KICK, 0, Level.PG_LEVEL_4K);
    List<ActorRef<VcpuMsg>> vcpus = ctx.peers().vcpus();
    int others = 0;
    long tag = ctx.mintTag();
    VcpuMsg.KickRequest kick = new VcpuMsg.KickRequest(ctx.name(), waitForSeptZap, ctx.self(), tag); // one for all
    for (int i = 0; i < vcpus.size(); i++) {
      if (i == ctx.vcpuId()) continue; // the kicker itself runs KVM code: outside guest mode
      others++;
      if (waitForSeptZap) septZapHeld.add(i);
      vcpus.get(i).tell(kick);
    }
    assert others == vcpus.size() - (ctx.vcpuId() >= 0 && ctx.vcpuId() < vcpus.size() ? 1 : 0) : others;
    assert !waitForSeptZap || septZapHeld.size() == others : "every kicked vCPU waits for the zap";
    assert invariant();
    if (others == 0) {
      k.run();
      return;
    }
    awaitAcks(tag, others, k);
  }

  private void awaitAcks(long tag, int left, Runnable k) {
    assert left > 0 : "waiting for no ack";
    assert left <= ctx.peers().vcpus().size() : ctx.name() + " waits for " + left + " acks of fewer vCPUs";
    ctx.await(tag, KvmReply.KickAck.class, new Acks(tag, left, k));
  }

  /** The acknowledgements of one kick still awaited: one object per kick (a lambda per ack was 3% of all bytes). */
  private final class Acks implements Consumer<KvmReply.KickAck> {
    private final long tag;
    private final Runnable k;
    private int left;

    Acks(long tag, int left, Runnable k) {
      this.tag = tag;
      this.left = left;
      this.k = k;
    }

    @Override
    public void accept(KvmReply.KickAck a) {
      assert a.tag() == tag && left > 0 : "a kick ack " + a + " with " + left + " awaited";
      assert a.vcpu() >= 0 && a.vcpu() != ctx.vcpuId() : ctx.name() + ": the kicker acknowledged its own kick";
      if (--left > 0) {
        ctx.await(tag, KvmReply.KickAck.class, this); // keep waiting for the others
      } else {
        k.run();
      }
    }
  }

  /** WRITE_ONCE(kvm_tdx->wait_for_sept_zap, false). */
  void clearWaitForSeptZap() {
    assert ctx.held() == LockMode.EXCLUSIVE : ctx.name() + ": wait_for_sept_zap cleared without the write lock";
    if (septZapHeld == null) return;
    for (int i : septZapHeld) ctx.peers().vcpus().get(i).tell(new VcpuMsg.SeptZapDone(ctx.name()));
    septZapHeld.clear();
    assert invariant();
  }

  /** wait_for_sept_zap is set only inside the write-lock holder's tdh_do_no_vcpus, for the other vCPUs. */
  private boolean invariant() {
    if (septZapHeld == null) return true;
    assert septZapHeld.isEmpty() || ctx.held() == LockMode.EXCLUSIVE : ctx.name() + ": wait_for_sept_zap unlocked";
    assert !septZapHeld.contains(ctx.vcpuId()) : ctx.name() + " made its own vCPU wait for its zap";
    return true;
  }

  /** KVM_REQ_VM_DEAD to every other vCPU (this context, if a vCPU, sees its own request on its way out). */
  void vmDead() {
    assert ctx.vmDead() : "KVM_REQ_VM_DEAD before kvm->vm_dead is set";
    assert ctx.peers() != null : ctx.name() + ": KVM_REQ_VM_DEAD before the context is wired";
    assert invariant();
    List<ActorRef<VcpuMsg>> vcpus = ctx.peers().vcpus();
    for (int i = 0; i < vcpus.size(); i++) {
      if (i != ctx.vcpuId()) vcpus.get(i).tell(new VcpuMsg.VmDead(ctx.name()));
    }
  }
}
