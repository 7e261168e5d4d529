package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool's scheduling: TDs dealt to threads round-robin, time slices per TD, FIFO within one. */
class SliceQueueTest {
  private record Task(int group, int n) implements Runnable {
    @Override
    public void run() {}
  }

  @Test
  void aBusyGroupYieldsAfterItsSliceAndGroupsTakeTurnsInOrder() {
    SliceQueue q = new SliceQueue();
    int many = 2 * SliceQueue.QUANTUM + 5;
    for (int i = 0; i < many; i++) q.ready(new Task(1, i), 1);
    q.ready(new Task(2, 0), 2);
    q.ready(new Task(0, 0), 0);
    List<Task> order = new ArrayList<>();
    for (Runnable r; (r = q.next()) != null; ) order.add((Task) r);
    assertEquals(many + 2, order.size());
    for (int i = 0; i < SliceQueue.QUANTUM; i++) assertEquals(new Task(1, i), order.get(i), "FIFO within a slice");
    assertEquals(new Task(2, 0), order.get(SliceQueue.QUANTUM), "group 2 was ready next");
    assertEquals(new Task(0, 0), order.get(SliceQueue.QUANTUM + 1));
    assertEquals(new Task(1, SliceQueue.QUANTUM), order.get(SliceQueue.QUANTUM + 2), "then group 1's next slice");
    assertNull(q.next());
  }

  @Test
  void workMadeReadyDuringItsOwnSliceStaysInTheSlice() {
    SliceQueue q = new SliceQueue();
    q.ready(new Task(3, 0), 3);
    q.ready(new Task(4, 0), 4);
    assertEquals(new Task(3, 0), q.next());
    q.ready(new Task(3, 1), 3); // a message the running actor sent to another actor of its TD
    assertEquals(new Task(3, 1), q.next());
    assertEquals(new Task(4, 0), q.next());
    assertNull(q.next());
  }

  @Test
  void theActorsOfATdShareAHomeThreadAndTdsAreDealtRoundRobin() {
    assertEquals(7, ParPool.td("td-7/vcpu-3"));
    assertEquals(7, ParPool.td("td-7"));
    assertEquals(-1, ParPool.td("vcpu-3"));
    assertEquals(-1, ParPool.td("td-x/vcpu-3"));
    assertEquals(1, ParPool.home(7, "td-7/vcpu-3", 2, true));
    assertEquals(0, ParPool.home(8, "td-8/tdx-module", 2, false));
    assertEquals(8, ParPool.group(7), "a TD's group is the same on every thread");
    assertEquals(0, ParPool.group(-1));
  }

  @Test
  void aThreadGivesAwayAWaitingTdOnlyWhenItKeepsAnother() {
    SliceQueue q = new SliceQueue();
    q.ready(new Task(3, 0), 3);
    assertEquals(-1, q.donatable(), "its only TD stays");
    q.ready(new Task(5, 0), 5);
    q.ready(new Task(5, 1), 5);
    q.ready(new Task(0, 0), 0);
    assertEquals(5, q.donatable(), "the last TD to become ready, never group 0");
    assertEquals(List.of(new Task(5, 0), new Task(5, 1)), new ArrayList<>(q.take(5)));
    assertEquals(new Task(3, 0), q.next());
    assertEquals(new Task(0, 0), q.next());
    assertNull(q.next(), "the TD given away is no longer here");
    assertEquals(-1, q.donatable());
  }

  @Test
  void withOneTdAThreadGivesTheLaterHalfOfItsBusiestGroupAndKeepsTheRestInOrder() {
    SliceQueue q = new SliceQueue();
    q.ready(new Task(3, 0), 3);
    assertEquals(-1, q.halvable(), "a single run stays");
    for (int i = 1; i < 5; i++) q.ready(new Task(3, i), 3);
    assertEquals(-1, q.donatable(), "one TD: it cannot move whole");
    q.ready(new Task(0, 0), 0);
    assertEquals(3, q.halvable(), "the group with the most runs");
    assertEquals(List.of(new Task(3, 3), new Task(3, 4)), new ArrayList<>(q.takeHalf(3)), "the later half, in order");
    assertEquals(new Task(3, 0), q.next());
    assertEquals(new Task(3, 1), q.next());
    assertEquals(new Task(3, 2), q.next());
    assertEquals(new Task(0, 0), q.next());
    assertNull(q.next(), "the runs given away are no longer here");
  }
}
