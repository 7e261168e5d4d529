package tdxsim.stress.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.pekko.dispatch.Envelope;
import org.junit.jupiter.api.Test;

/**
 * A receiver's lanes, one per sending channel in canonical order, are found by a binary search over the senders'
 * orders ({@link DetMessageQueue#laneOf}, which the record replay's {@link EnabledIndex#enabled} asks every step):
 * whatever order the senders first send in, each channel gets one lane holding all its messages, the lanes stay
 * sorted, the search finds each, and two channels of one order still get a lane each.
 */
class LaneLookupTest {

  @Test
  void everyChannelHasOneLaneInCanonicalOrderAndTheSearchFindsIt() {
    DetRuntime rt = new DetRuntime("lane-lookup-test", Thread.currentThread());
    DetMessageQueue q = new DetMessageQueue(rt, new Channel("receiver", DetRuntime.WORLD_ORDER_BASE), true, 0);
    List<Channel> channels = new ArrayList<>(List.of(rt.external, rt.timer));
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      channels.add(new Channel("a-" + i, DetRuntime.WORLD_ORDER_BASE + 1 + 25 * i)); // first sends come in random order
    }
    Channel tied = channels.get(5);
    Channel twin = new Channel("twin", tied.order); // a tie of orders, as system channels past 2^24 would make
    channels.add(twin);
    Map<Channel, Integer> sent = new HashMap<>();
    for (int n = 0; n < 5000; n++) {
      Channel c = channels.get(rnd.nextInt(channels.size()));
      rt.current = c;
      q.enqueue(null, new Envelope(n, null)); // the queue asserts that a message comes with its envelope
      sent.merge(c, 1, Integer::sum);
    }
    assertEquals(sent.size(), q.laneCount);
    for (int i = 1; i < q.laneCount; i++) {
      assertTrue(q.lanes[i - 1].sender.order <= q.lanes[i].sender.order, "lanes in canonical order at " + i);
    }
    for (Map.Entry<Channel, Integer> e : sent.entrySet()) {
      Lane found = null;
      for (int i = 0; i < q.laneCount; i++) {
        if (q.lanes[i].sender == e.getKey()) {
          assertNull(found, "one lane per channel: " + e.getKey());
          found = q.lanes[i];
        }
      }
      assertEquals(e.getValue(), found.size, e.getKey().name);
      Lane byOrder = q.laneOf(e.getKey().order);
      assertEquals(e.getKey().order, byOrder.sender.order);
      if (e.getKey() != tied && e.getKey() != twin) assertSame(found, byOrder);
    }
    assertTrue(sent.containsKey(tied) && sent.containsKey(twin), "both tied channels sent");
    assertNotSame(lane(q, tied), lane(q, twin));
    assertNull(q.laneOf(DetRuntime.WORLD_ORDER_BASE + 6000));
  }

  private static Lane lane(DetMessageQueue q, Channel c) {
    for (int i = 0; i < q.laneCount; i++) {
      if (q.lanes[i].sender == c) return q.lanes[i];
    }
    return null;
  }
}
