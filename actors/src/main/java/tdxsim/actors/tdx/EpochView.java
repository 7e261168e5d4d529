package tdxsim.actors.tdx;

/**
 * What an S-EPT SEAMCALL's work reads of the TD-wide TLB tracking state (TDCS.epoch_tracking and OP_STATE): the
 * one-actor module reads it live; a {@link SeptShard} asks its front while it holds the entry lock and works on
 * the answer ({@link Snapshot}), so the read falls where the module makes it: after sept_lock_acquire_host, and for
 * BLOCK after the blocked entry is written. The module reads td_epoch and the REFCOUNTs without the epoch lock
 * (the BEPOCH store reads TDCS.TD_EPOCH plainly; is_tlb_tracked reads both with _lock_read_128b)
 * [TDXM tdh_mem_range_block.c, helpers.h is_tlb_tracked].
 */
interface EpochView {
  long tdEpoch();

  /** is_tlb_tracked(bepoch) [TDXM helpers.h]. */
  boolean isTlbTracked(long bepoch);

  /** op_state_is_tlb_tracking_required(OP_STATE): the TD is RUNNABLE. */
  boolean trackingRequired();

  /** An op that reads none of it (SEPT.ADD, AUG, PAGE.ADD, the non-blocking DEMOTE): a read is a model bug. */
  EpochView NONE = new EpochView() {
    @Override
    public long tdEpoch() {
      throw new IllegalStateException("an S-EPT SEAMCALL read td_epoch without asking its front");
    }

    @Override
    public boolean isTlbTracked(long bepoch) {
      throw new IllegalStateException("an S-EPT SEAMCALL read the REFCOUNTs without asking its front");
    }

    @Override
    public boolean trackingRequired() {
      throw new IllegalStateException("an S-EPT SEAMCALL read OP_STATE without asking its front");
    }
  };

  /** The values the front read when the shard asked. */
  record Snapshot(long tdEpoch, int previousRefcount, boolean trackingRequired) implements EpochView {
    public Snapshot {
      assert tdEpoch >= 1 && previousRefcount >= 0 : "td_epoch " + tdEpoch + ", REFCOUNT " + previousRefcount;
    }

    @Override
    public boolean isTlbTracked(long bepoch) {
      return TlbEpochs.isTlbTracked(bepoch, tdEpoch, previousRefcount);
    }
  }
}
