package tdxsim.actors.tdx;

/**
 * TDCS.OP_STATE, reduced to the two states this model needs [TDXM op_state_lookup.h]: build time
 * (OP_STATE_INITIALIZED, after TDH.MNG.INIT) and RUNNABLE (after TDH.MR.FINALIZE). Migration states are out of
 * scope.
 */
public enum TdOpState {
  /** Build time: PAGE.ADD allowed, VP.ENTER not; no TLB tracking required (no vCPU can have run). */
  INITIALIZED,
  /** After TDH.MR.FINALIZE: VP.ENTER allowed, PAGE.ADD not; DEMOTE/REMOVE/PROMOTE/UNBLOCK need BLOCK+TRACK. */
  RUNNABLE;

  /** state_flags_lookup[op_state].tlb_tracking_required [TDXM op_state_lookup.c]. */
  public boolean tlbTrackingRequired() {
    return this == RUNNABLE;
  }
}
