package tdxsim.actors.gmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
  void mixedAttributesGive4kFolios() {
    file.setAttributes(BASE, BASE + 4, false);
    KvmReply.PfnResult shared = file.getPfn(BASE + 1, 1);
    KvmReply.PfnResult priv = file.getPfn(BASE + 100, 2);
    assertEquals(Level.PG_LEVEL_4K, priv.maxLevel());
    assertFalse(shared.isPrivate());
    assertTrue(priv.isPrivate());
    assertFalse(file.uniform(0));
    assertTrue(file.uniform(1));
  }

  @Test
  void aConversionSplitsOnlyTheFolioItCoversPartly() {
    long g = BASE + 512;
    long head = file.getPfn(g, 1).pfn();
    file.getPfn(g + 512, 2);
    file.splitFoliosFor(g + 8, g + 16);
    assertEquals(1, mon.count(FolioSplit.class));
    KvmReply.PfnResult after = file.getPfn(g + 10, 3);
    assertEquals(Level.PG_LEVEL_4K, after.maxLevel());
    assertEquals(head + 10, after.pfn(), "the 4K folios keep the pages");
    file.splitFoliosFor(g + 512, g + 1024);
    assertEquals(1, mon.count(FolioSplit.class), "a wholly covered folio is not split");
  }

  @Test
  void truncateFreesAndAFreshFaultGetsANewPage() {
    long g = BASE + 512;
    long old = file.getPfn(g + 3, 1).pfn();
    file.truncate(g, g + 512);
    assertEquals(1, mon.count(FolioChanged.class, f -> !f.live()));
    long fresh = file.getPfn(g + 3, 2).pfn();
    assertNotEquals(old, fresh, "pfns are never reused");
    file.truncate(g + 1, g + 2); // a partial punch splits, then frees one 4K folio
    assertEquals(1, mon.count(FolioSplit.class));
    assertEquals(Level.PG_LEVEL_4K, file.getPfn(g + 1, 3).maxLevel());
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
