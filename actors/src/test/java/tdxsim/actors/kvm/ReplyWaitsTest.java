package tdxsim.actors.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ReplyWaitsTest {
  /** Against a TreeMap: puts and removes in a seeded random order keep every lookup exact (backward shift). */
  @Test
  void agreesWithAMapUnderRandomPutsAndRemoves() {
    ReplyWaits w = new ReplyWaits();
    TreeMap<Long, Consumer<?>> model = new TreeMap<>();
    Random rnd = new Random(7);
    long next = 1_000;
    for (int step = 0; step < 20_000; step++) {
      if (model.isEmpty() || rnd.nextInt(3) > 0 && model.size() < 600) {
        long tag = rnd.nextInt(4) == 0 ? next + 1_000_000 * rnd.nextInt(5) : next;
        next++;
        if (model.containsKey(tag)) continue;
        Consumer<Object> k = o -> {};
        w.put(tag, String.class, k);
        model.put(tag, k);
      } else {
        List<Long> keys = new ArrayList<>(model.keySet());
        long tag = keys.get(rnd.nextInt(keys.size()));
        assertSame(String.class, w.type(tag));
        assertSame(model.remove(tag), w.remove(tag));
        assertFalse(w.contains(tag));
      }
      assertEquals(model.isEmpty(), w.isEmpty());
    }
    for (long tag : model.keySet()) assertTrue(w.contains(tag), "tag " + tag);
    assertNull(w.remove(-1), "nothing waits for an unknown tag");
    assertNull(w.type(-1));
  }
}
