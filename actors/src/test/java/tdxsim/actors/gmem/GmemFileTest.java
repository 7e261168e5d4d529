package tdxsim.actors.gmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.monitor.GmemObservation.FolioChanged;
import tdxsim.actors.monitor.GmemObservation.FolioRefChanged;
import tdxsim.actors.monitor.GmemObservation.FolioSplit;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;

/** guest_memfd's folios and shareability. */
class GmemFileTest {
  private static final long BASE = 0x100000L;
  private final CollectingMonitor mon = new CollectingMonitor();
  private final GmemFile file = new GmemFile(BASE, 4 * 512, mon);

  @Test
  void a2mFolioWhenTheRangeIsUniform() {
    KvmReply.PfnResult r = file.getPfn(BASE + 512 + 9, 1);
    assertEquals(Level.PG_LEVEL_2M, r.maxLevel());
    assertTrue(r.isPrivate());
    assertEquals(9, r.pfn() % 512, "gfn and pfn agree below 2M (KVM maps the folio head)");
    assertEquals(r.pfn() - 9, file.getPfn(BASE + 512, 2).pfn(), "same folio");
    assertEquals(1, mon.count(FolioChanged.class));
  }

  @Test
  void aFreshFolioIsSplitUnlessItsWholeRangeIsPrivate() {
    file.setAttributes(BASE, BASE + 4, false);
    KvmReply.PfnResult shared = file.getPfn(BASE + 1, 1);
    KvmReply.PfnResult priv = file.getPfn(BASE + 100, 2);
    assertEquals(Level.PG_LEVEL_4K, priv.maxLevel());
    assertFalse(shared.isPrivate());
    assertTrue(priv.isPrivate());
    assertEquals(shared.pfn() + 99, priv.pfn(), "the pages of one hugetlb folio, split (__maybe_split_fresh_folio)");
    assertEquals(1, mon.count(FolioSplit.class));
    assertFalse(file.uniform(0));
    assertTrue(file.uniform(1));
  }

  @Test
  void toSharedSplitsToOrder0AndToPrivateMergesBackWhenTheRestIsPrivate() {
    long g = BASE + 512;
    long head = file.getPfn(g, 1).pfn();
    file.restructure(g + 8, g + 16, false);
    file.setAttributes(g + 8, g + 16, false);
    assertEquals(1, mon.count(FolioSplit.class));
    KvmReply.PfnResult after = file.getPfn(g + 10, 3);
    assertEquals(Level.PG_LEVEL_4K, after.maxLevel());
    assertEquals(head + 10, after.pfn(), "the 4K folios keep the pages");
    file.restructure(g + 8, g + 12, true);
    file.setAttributes(g + 8, g + 12, true);
    assertEquals(Level.PG_LEVEL_4K, file.getPfn(g, 4).maxLevel(), "[g+12, g+16) still shared: no merge");
    file.restructure(g + 12, g + 16, true);
    file.setAttributes(g + 12, g + 16, true);
    KvmReply.PfnResult merged = file.getPfn(g + 10, 5);
    assertEquals(Level.PG_LEVEL_2M, merged.maxLevel(), "all private again: merged back");
    assertEquals(head + 10, merged.pfn());
    assertEquals(2, mon.count(FolioChanged.class, f -> f.live() && f.order() == Level.PG_LEVEL_2M && f.gfn() == g
        && f.pfn() == head), "allocated, then reported live again as one 2M folio");
  }

  @Test
  void theInvalidationIsWidenedToTheHugePage() {
    assertEquals(BASE + 512, file.hugePageStart(BASE + 512 + 7));
    assertEquals(BASE + 1024, file.hugePageEnd(BASE + 512 + 7));
    assertEquals(BASE + 1024, file.hugePageEnd(BASE + 1024), "an aligned end stays");
    assertTrue(file.folioAligned(BASE + 512, BASE + 1536));
    assertFalse(file.folioAligned(BASE + 512, BASE + 513));
  }

  @Test
  void truncateFreesAndAFreshFaultGetsANewPage() {
    long g = BASE + 512;
    long old = file.getPfn(g + 3, 1).pfn();
    file.truncate(g, g + 512);
    assertEquals(1, mon.count(FolioChanged.class, f -> !f.live()));
    long fresh = file.getPfn(g + 3, 2).pfn();
    assertNotEquals(old, fresh, "pfns are never reused");
    assertThrows(IllegalStateException.class, () -> file.truncate(g + 1, g + 2), "punch holes are folio-aligned");
  }

  @Test
  void v1TdxRefsArePerFolio() {
    long g = BASE + 512;
    long pfn = file.getPfn(g, 1).pfn();
    file.folioRef(g, 512, +1);
    assertEquals(new FolioRefChanged(pfn, 512, 512), mon.of(FolioRefChanged.class).get(0));
    file.folioRef(g + 3, 1, -1); // a 4K removal after a demote puts 1
    assertEquals(511, mon.of(FolioRefChanged.class).get(1).refs());
    assertTrue(file.tdxRefsHeld(g, g + 1, false));
  }
}
