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
    return ((long) sender << SEQ_BITS) | (seq & SEQ_MASK);
  }

  public int size() {
    return ids.length;
  }

  public int sender(int i) {
    return (int) (ids[i] >>> SEQ_BITS);
  }

  public long senderSeq(int i) {
    return ids[i] & SEQ_MASK;
  }

  public long time(int i) {
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
