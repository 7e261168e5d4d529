package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;

class Packed4kTest {
  private static final long BASE = 0x40000;

  /** A checked entry packs and comes back field for field; one mid-operation or off the pfn run stays an entry. */
  @Test
  void packsOnlyWhatItCanRestore() {
    Range2M r = new Range2M(BASE);
    Entry a = r.e4kCreate(3);
    a.spte = Spte.leaf(0x9003);
    a.sept = SeptState.PENDING;
    a.mirrorSeen = true;
    a.septSeen = true;
    a.lastCaller = "vcpu-1";
    a.externalOps = 1; // the AUG of its last freeze
    r.pack(a);
    assertTrue(r.has4kEntries());
    Entry view = r.e4k(3);
    assertNotSame(a, view, "a packed entry is made afresh");
    assertEquals(0x9003, view.spte.pfn());
    assertSame(SeptState.PENDING, view.sept);
    assertTrue(view.mirrorSeen && view.septSeen);
    assertEquals("vcpu-1", view.lastCaller);
    assertEquals(-1, view.bepoch);
    assertEquals(1, view.externalOps);
    Entry back = r.e4kCreate(3);
    assertSame(back, r.e4k(3), "unpacked: the same entry from now on");
    assertEquals(0x9003, back.spte.pfn());

    Entry off = r.e4kCreate(4);
    off.spte = Spte.leaf(0x7777); // not on the run 0x9000 + offset the first packed leaf started
    r.pack(off);
    assertSame(off, r.e4k(4));
    Entry frozen = r.e4kCreate(5);
    frozen.spte = Spte.FROZEN_SPTE;
    r.pack(frozen);
    assertSame(frozen, r.e4k(5));
    Entry dirty = r.e4kCreate(6);
    dirty.restDirty = true;
    r.pack(dirty);
    assertSame(dirty, r.e4k(6));
    Entry blocked = r.e4kCreate(7);
    blocked.sept = SeptState.BLOCKED;
    blocked.bepoch = 4;
    r.pack(blocked);
    assertSame(blocked, r.e4k(7));
    assertNull(r.e4k(8));
    assertNull(r.e4kIfAny(8));
    assertFalse(r.e4kIfAny(3) == null);
  }
}
