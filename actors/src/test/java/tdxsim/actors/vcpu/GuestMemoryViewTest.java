package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GuestMemoryViewTest {
  private static final long BASE = 0x100000;

  /** Against a BitSet over the whole span: seeded accepts and forgets of 4K, 2M-sized and odd runs agree page by page. */
  @Test
  void agreesWithADenseBitSet() {
    GuestMemoryView v = new GuestMemoryView(BASE);
    BitSet dense = new BitSet();
    Random rnd = new Random(11);
    for (int step = 0; step < 3_000; step++) {
      int from = rnd.nextInt(40 * 512);
      int pages = switch (rnd.nextInt(3)) {
        case 0 -> 1;
        case 1 -> 512;
        default -> 1 + rnd.nextInt(1_500);
      };
      if (rnd.nextBoolean()) {
        v.accepted(BASE + from, pages);
        dense.set(from, from + pages);
      } else {
        v.forget(BASE + from, pages);
        dense.clear(from, from + pages);
      }
    }
    for (int i = 0; i < 42 * 512; i++) assertEquals(dense.get(i), v.isAccepted(BASE + i), "page " + i);
  }

  @Test
  void aPageBelowTheViewFailsAsTheBitSetDid() {
    GuestMemoryView v = new GuestMemoryView(BASE);
    assertThrows(IndexOutOfBoundsException.class, () -> v.isAccepted(BASE - 1));
  }
}
