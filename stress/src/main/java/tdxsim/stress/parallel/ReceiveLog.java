package tdxsim.stress.parallel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;

/**
 * One actor's receive order while recording: per message, the packed sender-minted id (sender index above
 * {@link ParRuntime#SEQ_BITS}, sender sequence number below) and the dequeue time (nanoseconds since the world
 * started: a hint for replay, see {@code RecordedOrderStrategy}), side by side so that an append touches one cache
 * line. The chunk being filled and its fill level live in the actor's queue (the hot path:
 * {@link ParMessageQueue#dequeue}); this object keeps the full chunks. Written by the actor's one consumer thread,
 * so there is no lock; storage grows in chunks, never copying what is already written.
 *
 * <p>Chunks are off the Java heap (direct buffers): a log lives as long as the run, and on the heap the
 * collector copied every entry through the young generation, which was most of the cost of recording. They are
 * freed with the log (their cleaners run once the log is unreachable); their total is bounded by
 * {@code -XX:MaxDirectMemorySize}, by default the maximum heap size.
 */
final class ReceiveLog {
  /** Longs per entry. */
  static final int ENTRY = 2;
  static final int FIRST_CHUNK = 64;
  private static final int MAX_CHUNK = 1 << 20;

  private final ArrayList<ByteBuffer> full = new ArrayList<>();
  private long fullLongs;

  static ByteBuffer chunk(int longs) {
    assert longs > 0 : "a chunk of " + longs + " longs";
    assert longs % ENTRY == 0 : "a chunk of " + longs + " longs";
    assert longs <= MAX_CHUNK : "a chunk of " + longs + " longs";
    return ByteBuffer.allocateDirect(longs * Long.BYTES).order(ByteOrder.nativeOrder());
  }

  /** {@code chunk} (of {@code longs}) is full: keep it, return the next one. */
  ByteBuffer next(ByteBuffer chunk, int longs) {
    assert chunk.capacity() == longs * Long.BYTES : "a full chunk of " + chunk.capacity() + " bytes for " + longs;
    full.add(chunk);
    fullLongs += longs;
    assert fullLongs % ENTRY == 0 : "full chunks of " + fullLongs + " longs";
    return chunk(Math.min(MAX_CHUNK, longs * 2));
  }

  /** Entries, given the current chunk's fill level (in longs). */
  long size(int used) {
    assert used >= 0 : "a chunk filled to " + used;
    assert used % ENTRY == 0 : "a chunk filled to " + used;
    return (fullLongs + used) / ENTRY;
  }

  /** The packed ids and the times, flat (read at a consistent cut or after the run). */
  long[][] flatten(ByteBuffer current, int used) {
    int n = (int) size(used);
    long[] ids = new long[n];
    long[] times = new long[n];
    int at = 0;
    for (ByteBuffer c : full) at = copy(c, c.capacity() / Long.BYTES, ids, times, at);
    copy(current, used, ids, times, at);
    assert at + used / ENTRY == n : "flattened " + at + " + " + used / ENTRY + " of " + n;
    return new long[][] {ids, times};
  }

  private static int copy(ByteBuffer c, int longs, long[] ids, long[] times, int at) {
    assert longs <= c.capacity() / Long.BYTES : "copy of " + longs + " at " + at;
    assert at + longs / ENTRY <= ids.length : "copy of " + longs + " at " + at;
    for (int i = 0; i < longs; i += ENTRY, at++) {
      ids[at] = c.getLong(i * Long.BYTES);
      times[at] = c.getLong((i + 1) * Long.BYTES);
    }
    return at;
  }
}
