package tdxsim.stress.parallel;

import java.util.Arrays;

/**
 * One actor's receive order while recording: per message, the packed sender-minted id (sender index above
 * {@link ParRuntime#SEQ_BITS}, sender sequence number below) and the dequeue time (nanoseconds since the world
 * started, a hint for replay: see {@code RecordedOrderStrategy}). Appended by the actor's one consumer thread, so
 * there is no lock; storage grows in chunks, never copying what is already written.
 */
final class ReceiveLog {
  private static final int FIRST_CHUNK = 16;
  private static final int MAX_SMALL_CHUNK = 1 << 13;
  /**
   * After the small chunks, 4 MB arrays: larger than half a G1 region for heaps up to 16 GB, so the collector
   * allocates them directly in the old generation and never copies them (an actor's log lives as long as the run;
   * copying it through the young generation was most of the cost of recording).
   */
  private static final int BIG_CHUNK = 1 << 19;

  private long[][] ids = new long[1][];
  private long[][] times = new long[1][];
  private int chunks;
  private int used; // in the last chunk
  private long size;

  void add(int sender, long seq, long time) {
    long[] c;
    if (chunks == 0 || used == (c = ids[chunks - 1]).length) {
      c = newChunk();
    }
    c[used] = ((long) sender << ParRuntime.SEQ_BITS) | (seq & ParRuntime.SEQ_MASK);
    times[chunks - 1][used] = time;
    used++;
    size++;
  }

  private long[] newChunk() {
    int last = chunks == 0 ? 0 : ids[chunks - 1].length;
    int n = chunks == 0 ? FIRST_CHUNK : last >= MAX_SMALL_CHUNK ? BIG_CHUNK : last * 2;
    if (chunks == ids.length) {
      ids = Arrays.copyOf(ids, chunks * 2);
      times = Arrays.copyOf(times, chunks * 2);
    }
    ids[chunks] = new long[n];
    times[chunks] = new long[n];
    chunks++;
    used = 0;
    return ids[chunks - 1];
  }

  long size() {
    return size;
  }

  /** The packed ids, flat (read at a barrier or after the run). */
  long[] ids() {
    return flatten(ids);
  }

  long[] times() {
    return flatten(times);
  }

  private long[] flatten(long[][] src) {
    long[] out = new long[(int) size];
    int at = 0;
    for (int i = 0; i < chunks; i++) {
      int n = i == chunks - 1 ? used : src[i].length;
      System.arraycopy(src[i], 0, out, at, n);
      at += n;
    }
    return out;
  }

  static int sender(long packed) {
    return (int) (packed >>> ParRuntime.SEQ_BITS);
  }

  static long seq(long packed) {
    return packed & ParRuntime.SEQ_MASK;
  }
}
