package tdxsim.actors.invariants;

/**
 * Liveness bounds. A real livelock (an unrefreshed {@code iter->old_spte}, an endless
 * TDX_INTERRUPTED_RESTARTABLE retry [S5-02; C2 Open 3]) exceeds any bound, while an adversarial but finite
 * schedule may legitimately make one vCPU retry many times, so the defaults are generous; tests tighten them.
 *
 * @param faultRetries consecutive RET_PF_RETRY of one vCPU on one gfn
 * @param acceptRetries consecutive non-final ACCEPT outcomes (TD exit, BUSY) of one vCPU
 * @param seamcallRetries consecutive BUSY / INTERRUPTED_RESTARTABLE completions of one SEAMCALL for one caller
 * @param lockBypasses acquisitions of mmu_lock by others while one exclusive waiter waits
 * @param hostPriorityAccepts consecutive ACCEPTs of one vCPU that return TDX_OPERAND_BUSY_HOST_PRIORITY (a host
 *     SEAMCALL that lost the entry lock set its HP bit and has not come back for it) [TDXM tdx_locks.h], counted
 *     while no fault on the entry is open (one is on its way to the entry)
 * @param invalidateRetries consecutive RET_PF_RETRY of one vCPU on one gfn while an invalidation covers it
 *     (mmu_invalidate_retry_gfn) [LNX kvm_host.h] and no other flow makes progress: the retry is explained, but
 *     only for as long as the invalidation makes progress
 * @param expectedViolations invariants the scenario expects to fire (scenario key {@code expect-violations}, e.g.
 *     the KVM_BUG_ON of an injected SEAMCALL failure): counted, and checking goes on past them
 */
public record Bounds(int faultRetries, int acceptRetries, int seamcallRetries, int lockBypasses,
    int hostPriorityAccepts, int invalidateRetries, java.util.Set<Invariant> expectedViolations) {
  /** Defaults of the two explained-retry bounds: far above what the baselines reach (see DEFAULT). */
  public static final int DEFAULT_HOST_PRIORITY_ACCEPTS = 40_000;
  public static final int DEFAULT_INVALIDATE_RETRIES = 10_000;
  /**
   * The explained-retry bounds sit far above the unexplained ones: a retry behind another flow legitimately
   * repeats while that flow runs, and a priority scheduler (PCT) starves that flow until its next change point
   * (hunt seed 1 ran a prefetch's retry 50,000 times in 100,000 deliveries during a punch hole, about 100 retries
   * per step of the punch hole: invalidation retries therefore count only while no other flow moves). A retry
   * costs at least 2 deliveries (an ACCEPT at least 3), so a tight spin still gets its name before the runtime's
   * 200,000-delivery step budget.
   */
  public static final Bounds DEFAULT = new Bounds(256, 256, 128, 256);

  public Bounds {
    if (faultRetries < 1 || acceptRetries < 1 || seamcallRetries < 1 || lockBypasses < 1
        || hostPriorityAccepts < 1 || invalidateRetries < 1) {
      throw new IllegalArgumentException("bounds must be positive: " + faultRetries + ", " + acceptRetries + ", "
          + seamcallRetries + ", " + lockBypasses + ", " + hostPriorityAccepts + ", " + invalidateRetries);
    }
    expectedViolations = expectedViolations.isEmpty() ? java.util.Set.of()
        : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(expectedViolations));
  }

  /** No violation expected. */
  public Bounds(int faultRetries, int acceptRetries, int seamcallRetries, int lockBypasses, int hostPriorityAccepts,
      int invalidateRetries) {
    this(faultRetries, acceptRetries, seamcallRetries, lockBypasses, hostPriorityAccepts, invalidateRetries,
        java.util.Set.of());
  }

  /** These bounds, expecting {@code expected} to fire. */
  public Bounds withExpectedViolations(java.util.Set<Invariant> expected) {
    return new Bounds(faultRetries, acceptRetries, seamcallRetries, lockBypasses, hostPriorityAccepts,
        invalidateRetries, expected);
  }

  /** The four unexplained-retry bounds; the explained ones at their defaults. */
  public Bounds(int faultRetries, int acceptRetries, int seamcallRetries, int lockBypasses) {
    this(faultRetries, acceptRetries, seamcallRetries, lockBypasses, DEFAULT_HOST_PRIORITY_ACCEPTS,
        DEFAULT_INVALIDATE_RETRIES);
  }
}
