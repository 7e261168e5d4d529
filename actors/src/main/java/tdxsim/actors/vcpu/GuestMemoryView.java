package tdxsim.actors.vcpu;

import java.util.BitSet;
import tdxsim.protocol.Level;

/**
 * What the guest on one vCPU knows of its private memory: the pages it has accepted (and that have not been
 * converted away since). A #VE on such a page means the accepted data is gone (GuestDataLost). Knowledge is per
 * vCPU, because actors share no state: a scenario gives each vCPU's conversions its own pages.
 */
final class GuestMemoryView {
  private final long base;
  private final BitSet accepted = new BitSet();

  GuestMemoryView(long base) {
    assert base >= 0 : "guest memory at gfn " + base;
    this.base = base;
  }

  boolean isAccepted(long gfn) {
    return accepted.get(index(gfn));
  }

  void accepted(long gfn, long pages) {
    assert pages > 0 && pages <= Level.PG_LEVEL_1G.pages() : "accepted " + pages + " pages at " + gfn;
    accepted.set(index(gfn), index(gfn) + (int) pages);
  }

  /** The range was converted (to shared, or to private and not yet accepted) or its data is known lost. */
  void forget(long gfn, long pages) {
    assert pages > 0 : "forget " + pages + " pages at " + gfn;
    accepted.clear(index(gfn), index(gfn) + (int) pages);
  }

  private int index(long gfn) {
    assert gfn >= base && gfn - base <= Integer.MAX_VALUE : "gfn " + gfn + " outside the guest's memory at " + base;
    return (int) (gfn - base);
  }
}
