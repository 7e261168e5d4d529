package tdxsim.actors.invariants;

import java.util.Arrays;

/**
 * TD-wide state: RUNNABLE or not, the TLB epoch and each vCPU's guest mode with the epoch it was counted in
 * (from {@code VcpuGuestMode} / {@code TdEpochAdvanced}), and which vCPUs finished their workload. This is what
 * decides whether a DEMOTE/REMOVE is TLB-safe: every vCPU that could hold a translation from before the BLOCK
 * must have exited since [TDXM is_tlb_tracked; P3-08].
 */
final class TdState {
  private boolean runnable;
  /** td_epoch starts at 1 [TDXM tdh_mng_init.c]. */
  private long epoch = 1;
  private boolean[] inGuest = new boolean[8];
  private long[] vcpuEpoch = new long[8];
  private boolean[] done = new boolean[8];
  private int maxVcpu = -1;

  boolean runnable() {
    assert invariant();
    return runnable;
  }

  void setRunnable() {
    assert invariant();
    runnable = true;
  }

  long epoch() {
    return epoch;
  }

  void epochAdvanced(long e) {
    assert e >= 1 : "the TD epoch advanced to " + e;
    assert e >= epoch : "the TD epoch went back from " + epoch + " to " + e; // TDH.MEM.TRACK only increments it
    epoch = e;
    assert invariant();
  }

  void guestMode(int vcpu, boolean in, long e) {
    assert e >= 0 : "vcpu " + vcpu + " counted in the TD epoch " + e;
    grow(vcpu);
    inGuest[vcpu] = in;
    vcpuEpoch[vcpu] = e;
    if (in) runnable = true; // TDH.VP.ENTER is only allowed on a RUNNABLE TD
    if (e > epoch) epoch = e;
    assert epoch >= e : "vcpu " + vcpu + " guest mode " + in + " epoch " + e;
    assert !in || runnable : "vcpu " + vcpu + " in the guest of a TD that is not RUNNABLE";
  }

  void workloadDone(int vcpu) {
    grow(vcpu);
    done[vcpu] = true;
    assert isDone(vcpu) : "vcpu " + vcpu + "'s workload done not recorded";
  }

  boolean isDone(int vcpu) {
    assert vcpu >= 0 : "isDone of vcpu " + vcpu;
    return vcpu <= maxVcpu && done[vcpu];
  }

  /** A vCPU still in the guest and counted in an epoch <= {@code bepoch}, or -1 if none. */
  int vcpuInGuestSince(long bepoch) {
    assert invariant();
    for (int v = 0; v <= maxVcpu; v++) if (inGuest[v] && vcpuEpoch[v] <= bepoch) return v;
    return -1;
  }

  int maxVcpu() {
    return maxVcpu;
  }

  boolean inGuest(int v) {
    assert v >= 0 : "inGuest of vcpu " + v;
    return v <= maxVcpu && inGuest[v];
  }

  long vcpuEpoch(int v) {
    assert v >= 0 : "vcpuEpoch of vcpu " + v;
    return v <= maxVcpu ? vcpuEpoch[v] : 0;
  }

  /** Field invariants: td_epoch >= 1, the per-vCPU arrays of one length covering every vCPU seen (O(1)). */
  private boolean invariant() {
    assert epoch >= 1 : "the TD epoch " + epoch + " (td_epoch starts at 1)";
    assert maxVcpu >= -1 : "vcpu " + maxVcpu + " of " + inGuest.length;
    assert maxVcpu < inGuest.length : "vcpu " + maxVcpu + " of " + inGuest.length;
    assert vcpuEpoch.length == inGuest.length : "per-vCPU arrays differ";
    assert done.length == inGuest.length : "per-vCPU arrays differ";
    return true;
  }

  private void grow(int vcpu) {
    if (vcpu < 0) throw new IllegalArgumentException("vcpu " + vcpu);
    if (vcpu >= inGuest.length) {
      int n = Math.max(vcpu + 1, inGuest.length * 2);
      inGuest = Arrays.copyOf(inGuest, n);
      vcpuEpoch = Arrays.copyOf(vcpuEpoch, n);
      done = Arrays.copyOf(done, n);
    }
    if (vcpu > maxVcpu) maxVcpu = vcpu;
    assert maxVcpu < inGuest.length && vcpuEpoch.length == inGuest.length && done.length == inGuest.length
        : "per-vCPU arrays of " + inGuest.length + " for vcpu " + maxVcpu;
  }
}
