package tdxsim.actors.tdx;

/**
 * TLB epoch tracking, TDCS.epoch_tracking [TDXM tdh_mem_track.c, helpers.c adjust_tlb_tracking_state,
 * helpers.h is_tlb_tracked, td_exit.c]:
 * <ul>
 *   <li>{@code td_epoch} starts at 1 (tdh_mng_init.c);</li>
 *   <li>a vCPU entering the guest samples td_epoch as its VCPU_EPOCH and increments REFCOUNT[epoch & 1], under
 *       the epoch lock taken shared; a TD exit decrements the REFCOUNT of the epoch it was counted in;</li>
 *   <li>TDH.MEM.TRACK takes the epoch lock exclusive, fails with TDX_PREVIOUS_TLB_EPOCH_BUSY while
 *       REFCOUNT[previous] != 0, and otherwise increments td_epoch;</li>
 *   <li>a page blocked at BEPOCH is tracked once (BEPOCH == td_epoch - 1 and REFCOUNT[BEPOCH & 1] == 0) or
 *       BEPOCH &lt; td_epoch - 1.</li>
 * </ul>
 */
public final class TlbEpochs {
  private long tdEpoch = 1;
  private final int[] refcount = new int[2];
  private final SharexLock epochLock = new SharexLock("epoch_lock");

  public long tdEpoch() {
    return tdEpoch;
  }

  /** How many vCPUs are counted in {@code epoch}'s parity slot. */
  public int refcount(long epoch) {
    assert epoch >= 1 : "td_epoch starts at 1: no vCPU is counted in epoch " + epoch;
    return refcount[(int) (epoch & 1)];
  }

  public SharexLock epochLock() {
    return epochLock;
  }

  /** A vCPU enters: it is counted in the current epoch, which is returned (its VCPU_EPOCH). */
  long countIn() {
    long e = tdEpoch;
    assert e >= 1 && refcount[(int) (e & 1)] >= 0 : "td_epoch " + e;
    refcount[(int) (e & 1)]++;
    assert invariant();
    return e;
  }

  /** A vCPU counted in {@code epoch} exits (or its TDENTER is reverted: revert_tlb_tracking_state). */
  void countOut(long epoch) {
    int slot = (int) (epoch & 1);
    assert epoch >= 1 && epoch <= tdEpoch : "a vCPU counted in epoch " + epoch + " > td_epoch " + tdEpoch;
    assert epoch >= tdEpoch - 1 : "vCPU counted in epoch " + epoch + " survived two TRACKs, td_epoch " + tdEpoch;
    if (refcount[slot] == 0) throw new IllegalStateException("REFCOUNT underflow for epoch " + epoch);
    refcount[slot]--;
    assert invariant();
  }

  /** TDH.MEM.TRACK's check: a vCPU is still counted in the previous epoch. */
  public boolean previousEpochBusy() {
    assert invariant();
    return previousRefcount() != 0;
  }

  /** TDH.MEM.TRACK's commit: td_epoch++ (the freed previous REFCOUNT becomes the current one). */
  long advance() {
    // TDH.MEM.TRACK advances only once the previous epoch has drained (TDX_PREVIOUS_TLB_EPOCH_BUSY otherwise)
    assert !previousEpochBusy() : "td_epoch " + tdEpoch + " advanced over a busy previous epoch";
    long before = tdEpoch;
    ++tdEpoch;
    assert tdEpoch == before + 1 && invariant() : "td_epoch is monotonic: " + before + " -> " + tdEpoch;
    assert refcount[(int) (tdEpoch & 1)] == 0 : "the new epoch's REFCOUNT slot starts empty";
    return tdEpoch;
  }

  /** td_epoch starts at 1 and only grows; REFCOUNT never negative. */
  private boolean invariant() {
    assert tdEpoch >= 1 : "td_epoch " + tdEpoch;
    assert refcount[0] >= 0 && refcount[1] >= 0 : "REFCOUNT underflow " + refcount[0] + "/" + refcount[1];
    return true;
  }

  /** is_tlb_tracked(bepoch) [TDXM helpers.h]. */
  public boolean isTlbTracked(long bepoch) {
    return isTlbTracked(bepoch, tdEpoch, previousRefcount());
  }

  /** REFCOUNT of the previous epoch (td_epoch - 1): the vCPUs a TRACK still waits for. */
  public int previousRefcount() {
    return refcount[(int) (1 - (tdEpoch & 1))];
  }

  /** is_tlb_tracked for a page blocked at {@code bepoch}, given td_epoch and the previous epoch's REFCOUNT. */
  static boolean isTlbTracked(long bepoch, long tdEpoch, int previousRefcount) {
    assert bepoch >= 0 && bepoch <= tdEpoch : "BEPOCH " + bepoch + " ahead of td_epoch " + tdEpoch;
    if (bepoch == tdEpoch - 1 && previousRefcount == 0) return true;
    return bepoch < tdEpoch - 1;
  }
}
