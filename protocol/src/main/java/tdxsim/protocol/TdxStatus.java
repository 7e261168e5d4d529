package tdxsim.protocol;

/**
 * SEAMCALL/TDCALL completion status, with the TDX ABI's codes [TDXM include/auto_gen/tdx_error_codes_defs.h].
 * Only the statuses this model can return are listed. Bit 63 set = error; bit 62 = non-recoverable.
 */
public enum TdxStatus {
  TDX_SUCCESS(0x0000000000000000L),
  TDX_INTERRUPTED_RESTARTABLE(0x8000000400000000L),
  TDX_OPERAND_INVALID(0xC000010000000000L),
  TDX_OPERAND_BUSY(0x8000020000000000L),
  TDX_PREVIOUS_TLB_EPOCH_BUSY(0x8000020100000000L),
  TDX_OPERAND_BUSY_HOST_PRIORITY(0x8000020400000000L),
  /** The SEAMCALL is not allowed in the TD's current TDCS.OP_STATE (e.g. PAGE.ADD after MR.FINALIZE). */
  TDX_OP_STATE_INCORRECT(0xC000060800000000L),
  /** TDR.LIFECYCLE_STATE is not what the SEAMCALL needs (KEY.FREEID before VPFLUSHDONE, RECLAIM before FREEID). */
  TDX_LIFECYCLE_STATE_INCORRECT(0xC000060700000000L),
  /** TDH.VP.FLUSH on an LP the vCPU is not associated with (the kernel ignores it). */
  TDX_VCPU_NOT_ASSOCIATED(0x8000070200000000L),
  /** TDR.LIFECYCLE_STATE is not KEYS_CONFIGURED (after VPFLUSHDONE): VP.FLUSH and the TD's S-EPT SEAMCALLs. */
  TDX_TD_KEYS_NOT_CONFIGURED(0x8000081000000000L),
  /** TDH.MNG.KEY.FREEID before TDH.PHYMEM.CACHE.WB ran on every package. */
  TDX_WBCACHE_NOT_COMPLETE(0x8000081700000000L),
  /** TDH.PHYMEM.CACHE.WB found no HKID in the flushed state (not an error: bit 63 clear). */
  TDX_NO_HKID_READY_TO_WBCACHE(0x0000082100000000L),
  /** TDH.MNG.VPFLUSHDONE while a vCPU is still associated with an LP (TDH.VP.FLUSH not done on it). */
  TDX_FLUSHVP_NOT_DONE(0x8000082400000000L),
  TDX_PAGE_METADATA_INCORRECT(0xC000030000000000L),
  TDX_EPT_WALK_FAILED(0xC0000B0000000000L),
  TDX_EPT_ENTRY_NOT_FREE(0xC0000B0200000000L),
  TDX_GPA_RANGE_NOT_BLOCKED(0xC0000B0600000000L),
  TDX_GPA_RANGE_ALREADY_BLOCKED(0x00000B0700000000L),
  TDX_TLB_TRACKING_NOT_DONE(0xC0000B0800000000L),
  TDX_EPT_INVALID_PROMOTE_CONDITIONS(0xC0000B0900000000L),
  TDX_PAGE_ALREADY_ACCEPTED(0x00000B0A00000000L),
  TDX_PAGE_SIZE_MISMATCH(0xC0000B0B00000000L),
  TDX_EPT_ENTRY_STATE_INCORRECT(0xC0000B0D00000000L);

  private final long code;

  TdxStatus(long code) {
    this.code = code;
  }

  public long code() {
    return code;
  }

  public boolean isSuccess() {
    return this == TDX_SUCCESS;
  }

  /** TDX_OPERAND_BUSY or TDX_OPERAND_BUSY_HOST_PRIORITY: a lock was contended; the caller may retry. */
  public boolean isBusy() {
    return this == TDX_OPERAND_BUSY || this == TDX_OPERAND_BUSY_HOST_PRIORITY;
  }

  /** The code as the kernel prints it, e.g. "0xc0000b0b00000000". */
  public String hex() {
    return String.format("0x%016x", code);
  }
}
