package tdxsim.stress.runtime;

/**
 * A sending channel: typed messages carry no sender, so the runtime attributes each message to the actor whose
 * message the driver is delivering when it is sent (or to {@code external} / {@code timer}). Pekko guarantees
 * FIFO per (sender, receiver); the mailbox keeps one {@link Lane} per channel.
 *
 * <p>{@link #order} sorts lanes canonically (system channels first, then world actors in creation order), so
 * that the enabled set does not depend on the order Pekko happened to run housekeeping in.
 */
final class Channel {
  final String name;
  final int order;
  /** {@code name.hashCode()}, kept at hand for the decision-sequence hash. */
  final int nameHash;
  /**
   * Messages this channel sent to world actors in the current world: the sender-minted sequence number of its
   * latest one (1-based). Records of the parallel runtime name messages by (sender, this number).
   */
  long sent;

  Channel(String name, int order) {
    this.name = name;
    this.order = order;
    this.nameHash = name.hashCode();
    assert !name.isEmpty() : "channel '" + name + "' of order " + order;
    assert order >= 0 : "channel '" + name + "' of order " + order;
  }

  @Override
  public String toString() {
    assert sent >= 0 : name + " sent " + sent;
    return name;
  }
}
