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
    assert size >= 0 : "heap of " + size + " in " + times.length;
    assert size <= times.length : "heap of " + size + " in " + times.length;
    size = 0;
  }

  boolean isEmpty() {
    assert size >= 0 : "heap of " + size;
    return size == 0;
  }

  long topTime() {
    assert size > 0 : "topTime of an empty heap";
    return times[0];
  }

  int topCursor() {
    assert size > 0 : "topCursor of an empty heap";
    return cursors[0];
  }

  int topPosition() {
    assert size > 0 : "topPosition of an empty heap";
    return positions[0];
  }

  void push(long time, int cursor, int position) {
    assert cursor >= 0 : "push of cursor " + cursor + " at " + position;
    assert position >= 0 : "push of cursor " + cursor + " at " + position;
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
    // the heap order holds at the pushed entry's place: its parent is no later
    assert i == 0 || times[(i - 1) >>> 1] <= time : "heap order broken at " + i;
    assert cursors.length == times.length : "heap columns differ";
    assert positions.length == times.length : "heap columns differ";
  }

  /** The earliest time below the top (the top's children), or {@code Long.MAX_VALUE}: is the top's time unique? */
  long secondTime() {
    if (size < 2) return Long.MAX_VALUE;
    return size == 2 ? times[1] : Math.min(times[1], times[2]);
  }

  void pop() {
    assert size > 0 : "pop of an empty heap";
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
    assert i == 0 || times[(i - 1) >>> 1] <= t : "heap order broken at " + i;
    assert 2 * i + 1 >= size || times[2 * i + 1] >= t : "heap order broken below " + i;
  }

  private void move(int from, int to) {
    assert from >= 0 : "move " + from + " -> " + to + " of " + size;
    assert from < size : "move " + from + " -> " + to + " of " + size;
    assert to >= 0 : "move " + from + " -> " + to + " of " + size;
    assert to < size : "move " + from + " -> " + to + " of " + size;
    set(to, times[from], cursors[from], positions[from]);
  }

  private void set(int i, long time, int cursor, int position) {
    assert i >= 0 : "set " + i + " of " + size;
    assert i < times.length : "set " + i + " of " + size;
    assert (i < size || size == 0) : "set " + i + " of " + size;
    times[i] = time;
    cursors[i] = cursor;
    positions[i] = position;
  }
}
