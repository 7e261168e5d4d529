package tdxsim.actors.invariants;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Level;
import tdxsim.protocol.PfResult;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxStatus;

/**
 * Bounded-retry liveness: consecutive fault retries per vCPU and gfn, consecutive non-final ACCEPT outcomes per
 * vCPU, consecutive failed attempts of one SEAMCALL per caller. An unrefreshed {@code iter->old_spte}, an endless
 * TDX_INTERRUPTED_RESTARTABLE retry [S5-02; C2 Open 3] or v1's endless EPT violation [C2 Open 2] never
 * terminates, so a bound turns it into a finite counterexample.
 *
 * <p>Only <em>unexplained</em> retries count. A retry that waits for another flow still in flight (an
 * invalidation covering the gfn, another writer's FROZEN SPTE, the exclusive lock held, a lock the TDX module
 * reported BUSY, vCPUs still counted in the previous TLB epoch) is the protocol working as designed: it ends
 * when that flow ends, so under a fair schedule it is bounded by the other flow's progress, and an unfair
 * schedule that starves the other flow is the runtime's step budget's business, not a protocol bug. A livelock
 * is a retry with nothing in flight to wait for. Explained retries neither count nor reset a streak.
 *
 * <p>Two explained waits get their own, much larger bounds, so that a vCPU starved by them is named rather than
 * left to the step budget: ACCEPTs that keep returning TDX_OPERAND_BUSY_HOST_PRIORITY (a host SEAMCALL lost the
 * entry lock, set its HP bit and never came back for it [TDXM tdx_locks.h]; counted only while no fault on the
 * entry is open, since such a fault comes back for it), and fault retries on one gfn while
 * an invalidation covers it and nothing else moves (mmu_invalidate_retry_gfn [LNX kvm_host.h]: an invalidation
 * that never ends).
 *
 * <p>Also remembers open faults for the quiescence check.
 */
final class LivenessTracker {
  private static final class Streak {
    final SeamcallLeaf leaf;
    final long gfn;
    final Level level;
    int count;
    boolean reported;

    Streak(SeamcallLeaf leaf, long gfn, Level level) {
      this.leaf = leaf;
      this.gfn = gfn;
      this.level = level;
      assert gfn >= 0 : "a retry streak at " + gfn + " level " + level;
      assert level != null : "a retry streak at " + gfn + " level " + level;
    }
  }

  private final Violations v;
  private final Bounds bounds;
  private final java.util.function.LongPredicate othersInFlight;
  private final java.util.function.BooleanSupplier vcpusInPreviousEpoch;
  private final java.util.function.LongPredicate invalidating;
  private long[] openFault = filled(8);
  private long[] retryGfn = filled(8);
  private int[] retries = new int[8];
  private int[] acceptStreak = new int[8];
  /**
   * Consecutive BUSY_HOST_PRIORITY ACCEPTs per vCPU (plain BUSY neither counts nor resets, and neither does one
   * while a fault on the entry is open: {@link #hostOwed}).
   */
  private int[] hostPriorityStreak = new int[8];
  /** Open faults (begun, not ended) per gfn and per 2M range, for {@link #hostOwed}. */
  private final Map<Long, Integer> openFaultsAt = new java.util.HashMap<>();
  private final Map<Long, Integer> openFaultsIn2M = new java.util.HashMap<>();
  /**
   * Consecutive fault retries per vCPU on {@code retryGfn} while an invalidation covered it and no other flow
   * made progress ({@link #progress()}): a priority scheduler may run the retry loop many times between two steps
   * of the invalidation, which is the invalidation progressing, not a starvation.
   */
  private int[] invalidateRetries = new int[8];
  /** {@link #progress} when each vCPU's last invalidation-explained retry was counted. */
  private long[] progressAtRetry = new long[8];
  /** Steps of other flows: SPTE, S-EPT, SEAMCALL, invalidation and guest_memfd changes. */
  private long progress;
  private final Map<String, Streak> streaks = new LinkedHashMap<>();
  /** Consecutive failed cmpxchgs per owner, on one SPTE, within one fault attempt. */
  private final Map<String, Streak> cmpxchgStreaks = new LinkedHashMap<>();
  /** Callers whose last SEAMCALL came back BUSY (their next fault retry is explained). */
  private final java.util.Set<String> busyCallers = new java.util.LinkedHashSet<>();

  private boolean lastSeamcallBusy(String caller) {
    assert caller != null : "lastSeamcallBusy of no caller";
    return !busyCallers.isEmpty() && busyCallers.contains(caller);
  }

  LivenessTracker(Violations v, Bounds bounds, java.util.function.LongPredicate othersInFlight,
      java.util.function.BooleanSupplier vcpusInPreviousEpoch, java.util.function.LongPredicate invalidating) {
    this.v = v;
    this.invalidating = invalidating;
    this.bounds = bounds;
    this.othersInFlight = othersInFlight;
    this.vcpusInPreviousEpoch = vcpusInPreviousEpoch;
    assert v != null : "liveness";
    assert bounds != null : "liveness";
    assert othersInFlight != null : "liveness";
    assert vcpusInPreviousEpoch != null : "liveness";
  }

  void faultBegin(int vcpu, long gfn) {
    grow(vcpu);
    if (openFault[vcpu] >= 0) countOpenFault(openFault[vcpu], -1); // a begin without an end
    countOpenFault(gfn, 1);
    openFault[vcpu] = gfn;
    assert gfn >= 0 : "vcpu " + vcpu + " began a fault on the gfn " + gfn;
    assert openFault[vcpu] == gfn : "vcpu " + vcpu + " began a fault on the gfn " + gfn;
  }

  void faultEnd(int vcpu, long gfn, PfResult result) {
    grow(vcpu);
    if (openFault[vcpu] >= 0) countOpenFault(openFault[vcpu], -1);
    openFault[vcpu] = -1;
    assert result != null : "vcpu " + vcpu + "'s fault on " + gfn + " ended with " + result;
    assert gfn >= 0 : "vcpu " + vcpu + "'s fault on " + gfn + " ended with " + result;
    if (!cmpxchgStreaks.isEmpty()) cmpxchgStreaks.remove(Names.vcpu(vcpu)); // the attempt is over
    if (!PfResult.isRetry(result)) {
      retries[vcpu] = 0;
      invalidateRetries[vcpu] = 0;
      retryGfn[vcpu] = -1;
      assert retries[vcpu] == 0 : "vcpu " + vcpu + "'s retry streak survived a final fault result";
      return;
    }
    if (retryGfn[vcpu] != gfn) {
      retryGfn[vcpu] = gfn;
      retries[vcpu] = 0;
      invalidateRetries[vcpu] = 0;
    }
    if (invalidating.test(gfn)) {
      invalidateRetry(vcpu, gfn);
      return;
    }
    invalidateRetries[vcpu] = 0;
    if (othersInFlight.test(gfn) || lastSeamcallBusy(Names.vcpu(vcpu))) return;
    assert retryGfn[vcpu] == gfn : "vcpu " + vcpu + "'s streak on " + retryGfn[vcpu];
    assert retries[vcpu] >= 0 : "vcpu " + vcpu + "'s streak on " + retryGfn[vcpu];
    if (++retries[vcpu] == bounds.faultRetries() + 1) {
      v.report(Invariant.LIVENESS_FAULT_RETRIES, "vcpu " + vcpu + " retried its fault on " + Violation.hex(gfn)
          + " " + retries[vcpu] + " times in a row (bound " + bounds.faultRetries() + ")",
          List.of(Names.vcpu(vcpu)), gfn);
    }
  }

  /** Another flow changed something a retrying vCPU may be waiting for. */
  void progress() {
    progress++;
  }

  /** A retry that mmu_invalidate_retry_gfn explains: bounded by the invalidation's progress [LNX kvm_host.h]. */
  private void invalidateRetry(int vcpu, long gfn) {
    if (progressAtRetry[vcpu] != progress) {
      progressAtRetry[vcpu] = progress;
      invalidateRetries[vcpu] = 0;
    }
    if (++invalidateRetries[vcpu] == bounds.invalidateRetries() + 1) {
      v.report(Invariant.LIVENESS_FAULT_INVALIDATE_RETRIES, "vcpu " + vcpu + " retried its fault on "
          + Violation.hex(gfn) + " " + invalidateRetries[vcpu] + " times in a row while an invalidation covered it"
          + " and no other flow made progress (bound " + bounds.invalidateRetries() + ")", List.of(Names.vcpu(vcpu)),
          gfn);
    }
  }

  /**
   * A lost try_cmpxchg64 by {@code owner}. Finding the SPTE FROZEN is explained (another writer's external op is
   * in flight, it will end); any other value means the owner's expected value is stale: retrying with it cannot
   * succeed, and a walker that does so without re-reading spins forever [S5-02]. Counted per fault attempt.
   */
  void cmpxchgFailed(String owner, long gfn, Level level, boolean foundFrozen) {
    assert owner != null : "a failed cmpxchg by " + owner + " at " + level;
    assert level != null : "a failed cmpxchg by " + owner + " at " + level;
    if (foundFrozen) return;
    Streak s = cmpxchgStreaks.get(owner);
    if (s == null || s.gfn != gfn || s.level != level) {
      cmpxchgStreaks.put(owner, s = new Streak(null, gfn, level));
    }
    assert s.count >= 0 : owner + "'s cmpxchg streak on " + s.gfn;
    assert s.gfn == gfn : owner + "'s cmpxchg streak on " + s.gfn;
    assert s.level == level : owner + "'s cmpxchg streak on " + s.gfn;
    if (++s.count > bounds.faultRetries() && !s.reported) {
      s.reported = true;
      v.report(Invariant.LIVENESS_CMPXCHG_RETRIES, owner + "'s cmpxchg on the mirror SPTE " + level.shortName()
          + " " + Violation.hex(gfn) + " failed " + s.count + " times in a row against a value that is not FROZEN"
          + " (bound " + bounds.faultRetries() + ")", List.of(owner), gfn);
    }
  }

  /** A final ACCEPT outcome: SUCCESS, ALREADY_ACCEPTED, SIZE_MISMATCH or any non-retryable error [R2]. */
  static boolean acceptFinal(TdxStatus s) {
    return s != null && !s.isBusy() && s != TdxStatus.TDX_INTERRUPTED_RESTARTABLE;
  }

  void accept(int vcpu, long gfn, Level level, TdxStatus status) {
    assert level != null : "vcpu " + vcpu + " ACCEPT at " + gfn + " level " + level;
    assert gfn >= 0 : "vcpu " + vcpu + " ACCEPT at " + gfn + " level " + level;
    grow(vcpu);
    if (acceptFinal(status)) {
      acceptStreak[vcpu] = 0;
      hostPriorityStreak[vcpu] = 0;
      assert acceptStreak[vcpu] == 0 : "vcpu " + vcpu + "'s ACCEPT streak survived a final status";
      return;
    }
    if (status == TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY) {
      hostPriority(vcpu, gfn, level);
      return;
    }
    if (status == null) hostPriorityStreak[vcpu] = 0; // a TD exit: the guest left the ACCEPT loop
    if (status != null || othersInFlight.test(gfn)) return; // BUSY: the entry lock is someone else's
    if (++acceptStreak[vcpu] == bounds.acceptRetries() + 1) {
      v.report(Invariant.LIVENESS_ACCEPT_RETRIES, "vcpu " + vcpu + ": " + acceptStreak[vcpu]
          + " ACCEPT attempts in a row without a final status, last " + level.shortName() + " "
          + Violation.hex(gfn) + " -> " + (status == null ? "TD exit" : status.name()) + " (bound "
          + bounds.acceptRetries() + ")", List.of(Names.vcpu(vcpu)), gfn);
    }
  }

  private void countOpenFault(long gfn, int d) {
    assert gfn >= 0 && (d == 1 || d == -1) : "open fault count " + d + " at " + gfn;
    openFaultsAt.merge(gfn, d, (a, b) -> a + b == 0 ? null : a + b);
    openFaultsIn2M.merge(Level.PG_LEVEL_2M.base(gfn), d, (a, b) -> a + b == 0 ? null : a + b);
    assert openFaultsAt.getOrDefault(gfn, 0) >= 0 : "more fault ends than begins at " + gfn;
  }

  /**
   * Is a fault open on the entry an ACCEPT at (gfn, level) found with HP set (at gfn for 4K, in the 2M range for
   * 2M)? Its TDH.MEM.PAGE.AUG is the host SEAMCALL that takes the entry and clears HP (sept_lock_acquire_host
   * [TDXM tdx_locks.h]): the failed AUG that set HP is retried by tdx_handle_ept_violation's local-retry loop, and
   * the vCPU that held the entry (its ACCEPT found it FREE and exited) faults on the gfn too [LNX tdx.c]. Until
   * that fault reaches the S-EPT (it may wait long, e.g. in kvm_gmem_get_pfn behind queued conversions), the
   * spinning guest's BUSY_HOST_PRIORITY ACCEPTs are explained: they neither count nor reset the streak.
   */
  private boolean hostOwed(long gfn, Level level) {
    return level == Level.PG_LEVEL_4K ? openFaultsAt.containsKey(gfn)
        : openFaultsIn2M.containsKey(Level.PG_LEVEL_2M.base(gfn));
  }

  /** An ACCEPT that found the entry's HP bit set: it waits for the host SEAMCALL that set it [TDXM tdx_locks.h]. */
  private void hostPriority(int vcpu, long gfn, Level level) {
    if (hostOwed(gfn, level)) return;
    if (++hostPriorityStreak[vcpu] == bounds.hostPriorityAccepts() + 1) {
      v.report(Invariant.LIVENESS_ACCEPT_HOST_PRIORITY, "vcpu " + vcpu + ": " + hostPriorityStreak[vcpu]
          + " ACCEPTs in a row returned TDX_OPERAND_BUSY_HOST_PRIORITY, last " + level.shortName() + " "
          + Violation.hex(gfn) + " (bound " + bounds.hostPriorityAccepts() + ")", List.of(Names.vcpu(vcpu)), gfn);
    }
  }

  static boolean retryable(TdxStatus s) {
    assert s != null : "retryable of no status";
    return s.isBusy() || s == TdxStatus.TDX_INTERRUPTED_RESTARTABLE || s == TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY;
  }

  void seamcall(SeamcallLeaf leaf, long gfn, Level level, TdxStatus status, String caller) {
    if (leaf == SeamcallLeaf.TDH_VP_ENTER) return; // entering is retried by design while kicked out
    assert status != null : leaf + " completed without status or caller";
    assert caller != null : leaf + " completed without status or caller";
    assert level != null : leaf + " completed without status or caller";
    if (status.isBusy()) {
      busyCallers.add(caller);
      assert lastSeamcallBusy(caller) : caller + "'s BUSY not recorded";
      return; // waits for the holder of a TDX lock
    }
    if (!busyCallers.isEmpty()) busyCallers.remove(caller);
    if (!retryable(status)) {
      if (!streaks.isEmpty()) streaks.remove(caller);
      return;
    }
    if (status == TdxStatus.TDX_PREVIOUS_TLB_EPOCH_BUSY && vcpusInPreviousEpoch.getAsBoolean()) return;
    Streak s = streaks.get(caller);
    if (s == null || s.leaf != leaf || s.gfn != gfn || s.level != level) {
      streaks.put(caller, s = new Streak(leaf, gfn, level));
    }
    assert s.leaf == leaf : caller + "'s streak on " + s.leaf;
    assert s.count >= 0 : caller + "'s streak on " + s.leaf;
    if (++s.count > bounds.seamcallRetries() && !s.reported) {
      s.reported = true;
      v.report(Invariant.LIVENESS_SEAMCALL_RETRIES, caller + " got " + status.name() + " from " + leaf.abiName()
          + " " + level.shortName() + " " + Violation.hex(gfn) + " " + s.count + " times in a row (bound "
          + bounds.seamcallRetries() + ")", List.of(caller), gfn);
    }
  }

  /** First vCPU with a fault begun and not ended, or -1. */
  int openFaultVcpu() {
    assert openFault.length == retryGfn.length : "per-vCPU arrays of " + openFault.length + " and " + retryGfn.length;
    for (int i = 0; i < openFault.length; i++) if (openFault[i] >= 0) return i;
    return -1;
  }

  long openFaultGfn(int vcpu) {
    assert vcpu >= 0 : "vcpu " + vcpu + " has no open fault";
    assert vcpu < openFault.length : "vcpu " + vcpu + " has no open fault";
    assert openFault[vcpu] >= 0 : "vcpu " + vcpu + " has no open fault";
    return openFault[vcpu];
  }

  /** A vCPU whose last ACCEPT outcome was not final, or -1. */
  int unfinishedAcceptVcpu() {
    assert acceptStreak.length == openFault.length : "per-vCPU arrays of " + acceptStreak.length;
    for (int i = 0; i < acceptStreak.length; i++) if (acceptStreak[i] > 0) return i;
    return -1;
  }

  private void grow(int vcpu) {
    assert vcpu >= 0 : "vcpu id " + vcpu;
    if (vcpu < openFault.length) return;
    assert retries.length == openFault.length : "per-vCPU arrays";
    assert acceptStreak.length == openFault.length : "per-vCPU arrays";
    int n = Math.max(vcpu + 1, openFault.length * 2);
    int old = openFault.length;
    openFault = Arrays.copyOf(openFault, n);
    retryGfn = Arrays.copyOf(retryGfn, n);
    Arrays.fill(openFault, old, n, -1);
    Arrays.fill(retryGfn, old, n, -1);
    retries = Arrays.copyOf(retries, n);
    acceptStreak = Arrays.copyOf(acceptStreak, n);
    hostPriorityStreak = Arrays.copyOf(hostPriorityStreak, n);
    invalidateRetries = Arrays.copyOf(invalidateRetries, n);
    progressAtRetry = Arrays.copyOf(progressAtRetry, n);
    assert retryGfn.length == n && retries.length == n && acceptStreak.length == n : "per-vCPU arrays of " + n;
  }

  private static long[] filled(int n) {
    assert n > 0 : "a per-vCPU array of " + n;
    long[] a = new long[n];
    Arrays.fill(a, -1);
    return a;
  }
}
