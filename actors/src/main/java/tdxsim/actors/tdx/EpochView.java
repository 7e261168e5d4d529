package tdxsim.actors.tdx;

/**
 * What an S-EPT SEAMCALL's work reads of the TD-wide TLB tracking state (TDCS.epoch_tracking and OP_STATE): the
 * one-actor module reads it live; a {@link SeptShard} reads the values its front read after taking the TD-wide
 * locks ({@link Snapshot}). The module reads td_epoch and the REFCOUNTs without the epoch lock
 * [TDXM tdh_mem_range_block.c, helpers.h is_tlb_tracked], so either read is one the real code can make.
 */
interface EpochView {
  long tdEpoch();

  /** is_tlb_tracked(bepoch) [TDXM helpers.h]. */
  boolean isTlbTracked(long bepoch);

  /** op_state_is_tlb_tracking_required(OP_STATE): the TD is RUNNABLE. */
  boolean trackingRequired();

  /** The values read by the front when it forwarded the op. */
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
