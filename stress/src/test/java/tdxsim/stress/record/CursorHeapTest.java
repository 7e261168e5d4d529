package tdxsim.stress.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The record replay's heap of receivers' next recorded messages: its top, the time below it ({@code secondTime},
 * which tells the replay's one-sift step that no other receiver shares the top's time) and {@code replaceTop} agree
 * with a reference priority queue under random pushes, pops and replacements, with many equal times.
 */
class CursorHeapTest {

  @Test
  void topSecondTimeAndReplaceTopAgreeWithAReferenceQueue() {
    SplittableRandom rnd = new SplittableRandom(16);
    CursorHeap heap = new CursorHeap();
    PriorityQueue<long[]> ref = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    for (int step = 0; step < 20_000; step++) {
      int op = rnd.nextInt(3);
      long time = rnd.nextInt(64); // few distinct times: ties are common
      int cursor = rnd.nextInt(1000);
      if (op == 0 || heap.isEmpty()) {
        heap.push(time, cursor, step);
        ref.add(new long[] {time, cursor, step});
      } else if (op == 1) {
        removeTop(heap, ref);
        heap.pop();
      } else {
        long[] top = removeTop(heap, ref);
        heap.replaceTop(top[0] + time, cursor, step);
        ref.add(new long[] {top[0] + time, cursor, step});
      }
      assertEquals(ref.size() == 0, heap.isEmpty());
      if (!ref.isEmpty()) {
        assertEquals(ref.peek()[0], heap.topTime());
        assertEquals(secondTime(ref), heap.secondTime(), "at step " + step);
      }
    }
  }

  /** The reference's entry that is the heap's top (same time, same cursor and position), removed from it. */
  private static long[] removeTop(CursorHeap heap, PriorityQueue<long[]> ref) {
    long[] top = ref.stream().filter(e -> e[0] == heap.topTime() && e[1] == heap.topCursor()
        && e[2] == heap.topPosition()).findFirst().orElseThrow();
    ref.remove(top);
    return top;
  }

  private static long secondTime(PriorityQueue<long[]> ref) {
    PriorityQueue<long[]> copy = new PriorityQueue<>(ref);
    copy.poll();
    return copy.isEmpty() ? Long.MAX_VALUE : copy.peek()[0];
  }
}
