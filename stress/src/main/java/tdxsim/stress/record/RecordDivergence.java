package tdxsim.stress.record;

import java.util.List;

/**
 * Where a replay left a record: at replay step {@code step} (1-based) actor {@code receiver}'s message number
 * {@code entry} (1-based) should have been {@code expectedSender}'s message {@code expectedSenderSeq}, but the
 * deliveries to {@code receiver} that the deterministic runtime offered were {@code offered} (empty: none).
 *
 * @param consumed recorded messages delivered before the divergence
 * @param total recorded messages in all
 */
public record RecordDivergence(
    long step,
    String receiver,
    long entry,
    String expectedSender,
    long expectedSenderSeq,
    List<String> offered,
    long consumed,
    long total) {

  public RecordDivergence {
    offered = List.copyOf(offered);
    // steps and entries are 1-based; what was delivered is part of what was recorded
    assert step >= 1 : "a divergence at step " + step + ", entry " + entry;
    assert entry >= 1 : "a divergence at step " + step + ", entry " + entry;
    assert receiver != null : "a divergence at step " + step + ", entry " + entry;
    assert consumed >= 0 : consumed + " of " + total + " recorded messages delivered";
    assert consumed <= total : consumed + " of " + total + " recorded messages delivered";
  }

  /** One line. */
  public String describe() {
    assert expectedSender != null : "a divergence without the expected sender";
    String got = offered.isEmpty() ? "nothing was sent to " + receiver + " that it had not received"
        : "the deliveries to " + receiver + " on offer were " + String.join(", ", offered);
    return "diverged at replay step " + step + " (" + consumed + " of " + total + " recorded messages delivered): "
        + receiver + "'s message #" + entry + " should be " + expectedSender + "'s message #" + expectedSenderSeq
        + ", but " + got;
  }
}
