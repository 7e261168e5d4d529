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
 */
public record Bounds(int faultRetries, int acceptRetries, int seamcallRetries, int lockBypasses) {
  public static final Bounds DEFAULT = new Bounds(256, 256, 128, 256);

  public Bounds {
    if (faultRetries < 1 || acceptRetries < 1 || seamcallRetries < 1 || lockBypasses < 1) {
      throw new IllegalArgumentException("bounds must be positive: " + faultRetries + ", " + acceptRetries + ", "
          + seamcallRetries + ", " + lockBypasses);
    }
  }
}
