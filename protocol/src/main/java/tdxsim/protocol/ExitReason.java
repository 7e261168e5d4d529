package tdxsim.protocol;

/** Why TDH.VP.ENTER returned to the host. */
public enum ExitReason {
  /** EPT violation on a private GPA; with an ACCEPT extended exit qualification when raised by ACCEPT. */
  EPT_VIOLATION,
  /** An IPI (KVM kick) arrived while in the guest. */
  EXTERNAL_INTERRUPT
}
