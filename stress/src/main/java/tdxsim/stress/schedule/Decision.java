package tdxsim.stress.schedule;

/**
 * One scheduling decision: which delivery ran. Keyed by names and a per-receiver sequence number, not by
 * position in the enabled set, so that a trace survives unrelated changes to the code [docs/architecture.md].
 *
 * @param receiver logical name of the receiving actor (e.g. {@code vcpu-0})
 * @param seq the receiver's delivery number, 1-based: this was its seq-th message
 * @param sender the sending channel: an actor's logical name, {@code external} or {@code timer}
 * @param message the message's class simple name
 */
public record Decision(String receiver, long seq, String sender, String message) {
  public Decision {
    assert receiver != null : "a decision without its receiver or sender";
    assert sender != null : "a decision without its receiver or sender";
    assert message != null : receiver + "#" + seq + " without its message class";
  }

  /** "vcpu-0#3 <- tdx-module: SeamcallDone". */
  @Override
  public String toString() {
    assert receiver != null : "a decision without its names";
    assert message != null : "a decision without its names";
    return receiver + '#' + seq + " <- " + sender + ": " + message;
  }
}
