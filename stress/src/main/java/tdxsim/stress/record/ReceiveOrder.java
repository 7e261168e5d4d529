package tdxsim.stress.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * The order one actor received its messages in, as the parallel runtime logged it: entry i is the sender-minted
 * id of the actor's (i+1)-th message, packed as {@code sender << 40 | senderSeq} where {@code sender} indexes the
 * record's sender table, and the time it was dequeued (nanoseconds since the world started: a hint for the
 * replay's choice among equivalent orders, never needed for correctness).
 */
public record ReceiveOrder(String actor, long[] ids, long[] times) {
  public static final int SEQ_BITS = 40;
  public static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

  public ReceiveOrder {
    Objects.requireNonNull(actor);
    if (ids.length != times.length) throw new IllegalArgumentException("ids and times differ in length");
  }

  public static long pack(int sender, long seq) {
    // the sender index fits 24 bits and the sequence number 40: pack would otherwise truncate it silently
    assert sender >= 0 : "sender index " + sender;
    assert sender < 1 << (64 - SEQ_BITS - 1) : "sender index " + sender;
    assert seq >= 0 : "sender sequence number " + seq + " beyond " + SEQ_BITS + " bits";
    assert seq <= SEQ_MASK : "sender sequence number " + seq + " beyond " + SEQ_BITS + " bits";
    return ((long) sender << SEQ_BITS) | (seq & SEQ_MASK);
  }

  public int size() {
    assert ids.length == times.length : actor + ": " + ids.length + " ids, " + times.length + " times";
    return ids.length;
  }

  public int sender(int i) {
    assert ids[i] >= 0 : actor + ": a negative packed id at " + i;
    return (int) (ids[i] >>> SEQ_BITS);
  }

  public long senderSeq(int i) {
    assert i >= 0 : actor + ": message " + i + " of " + ids.length;
    assert i < ids.length : actor + ": message " + i + " of " + ids.length;
    return ids[i] & SEQ_MASK;
  }

  public long time(int i) {
    assert i >= 0 : actor + ": message " + i + " of " + times.length;
    assert i < times.length : actor + ": message " + i + " of " + times.length;
    return times[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReceiveOrder r && actor.equals(r.actor) && Arrays.equals(ids, r.ids)
        && Arrays.equals(times, r.times);
  }

  @Override
  public int hashCode() {
    return actor.hashCode() * 31 + Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return actor + ": " + ids.length + " messages";
  }
}
