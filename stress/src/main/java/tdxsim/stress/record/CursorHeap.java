package tdxsim.stress.record;

import java.util.Arrays;

/**
 * A min-heap of (recorded time, cursor, position) for {@link RecordedOrderStrategy}: each receiver's next recorded
 * message, earliest first. An entry whose cursor has moved on since it was pushed is stale and is skipped by the
 * caller (lazy deletion), so advancing a cursor costs one push and no search.
 */
final class CursorHeap {
  private long[] times = new long[64];
  private int[] cursors = new int[64];
  private int[] positions = new int[64];
  private int size;

  void clear() {
    size = 0;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long topTime() {
    return times[0];
  }

  int topCursor() {
    return cursors[0];
  }

  int topPosition() {
    return positions[0];
  }

  void push(long time, int cursor, int position) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      cursors = Arrays.copyOf(cursors, size * 2);
      positions = Arrays.copyOf(positions, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (times[parent] <= time) break;
      move(parent, i);
      i = parent;
    }
    set(i, time, cursor, position);
  }

  /** The earliest time below the top (the top's children), or {@code Long.MAX_VALUE}: is the top's time unique? */
  long secondTime() {
    if (size < 2) return Long.MAX_VALUE;
    return size == 2 ? times[1] : Math.min(times[1], times[2]);
  }

  void pop() {
    int last = --size;
    siftDown(times[last], cursors[last], positions[last]);
  }

  /** {@link #pop} then {@link #push} in one sift: the top's cursor moved on to its next message. */
  void replaceTop(long time, int cursor, int position) {
    siftDown(time, cursor, position);
  }

  private void siftDown(long t, int c, int p) {
    int i = 0;
    for (; ; ) {
      int child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && times[child + 1] < times[child]) child++;
      if (times[child] >= t) break;
      move(child, i);
      i = child;
    }
    set(i, t, c, p);
  }

  private void move(int from, int to) {
    set(to, times[from], cursors[from], positions[from]);
  }

  private void set(int i, long time, int cursor, int position) {
    times[i] = time;
    cursors[i] = cursor;
    positions[i] = position;
  }
}
