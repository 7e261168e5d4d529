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

  /**
   * Whole ranges share one array of ones and dropped ranges lose their words: a page forgotten by one view stays
   * accepted in another, and a range forgotten whole and accepted again holds only what was accepted since.
   */
  @Test
  void wholeRangesAreSharedCopiedOnWriteAndDroppedWhenEmpty() {
    GuestMemoryView a = new GuestMemoryView(BASE);
    GuestMemoryView b = new GuestMemoryView(BASE);
    a.accepted(BASE, 512);
    b.accepted(BASE, 512);
    a.accepted(BASE + 1024, 512);
    a.forget(BASE + 7, 1);
    assertEquals(false, a.isAccepted(BASE + 7));
    assertEquals(true, a.isAccepted(BASE + 8));
    assertEquals(true, b.isAccepted(BASE + 7), "b's range is not a's");
    a.forget(BASE, 512);
    a.accepted(BASE + 3, 1);
    assertEquals(true, a.isAccepted(BASE + 3));
    assertEquals(false, a.isAccepted(BASE + 8), "a forgotten range comes back empty");
    assertEquals(true, a.isAccepted(BASE + 1024 + 511), "the other range is kept");
    a.accepted(BASE + 7, 1);
    assertEquals(true, b.isAccepted(BASE + 511));
  }

  @Test
  void aPageBelowTheViewFailsAsTheBitSetDid() {
    GuestMemoryView v = new GuestMemoryView(BASE);
    assertThrows(IndexOutOfBoundsException.class, () -> v.isAccepted(BASE - 1));
  }
}
