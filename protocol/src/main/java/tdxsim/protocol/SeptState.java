package tdxsim.protocol;

/**
 * State of one Secure-EPT entry, as the TDX module keeps it [TDXM sept_state_lookup.h].
 * EXPORTED_* (live migration) is out of scope.
 */
public enum SeptState {
  FREE,
  REMOVED,
  NL_MAPPED,
  NL_BLOCKED,
  MAPPED,
  BLOCKED,
  BLOCKEDW,
  PENDING,
  PENDING_BLOCKED,
  PENDING_BLOCKEDW;

  /** A present leaf that maps a page (guest-accessible or pending ACCEPT, blocked or not). */
  public boolean isLeaf() {
    return switch (this) {
      case MAPPED, BLOCKED, BLOCKEDW, PENDING, PENDING_BLOCKED, PENDING_BLOCKEDW -> true;
      default -> false;
    };
  }

  public boolean isNonLeaf() {
    return this == NL_MAPPED || this == NL_BLOCKED;
  }

  public boolean isBlocked() {
    return switch (this) {
      case NL_BLOCKED, BLOCKED, PENDING_BLOCKED -> true;
      default -> false;
    };
  }

  /** Entry state once a BLOCK is undone (by DEMOTE's children or UNBLOCK). */
  public SeptState unblocked() {
    return switch (this) {
      case NL_BLOCKED -> NL_MAPPED;
      case BLOCKED, BLOCKEDW -> MAPPED;
      case PENDING_BLOCKED, PENDING_BLOCKEDW -> PENDING;
      default -> this;
    };
  }
}
