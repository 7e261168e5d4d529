package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.TdxModuleMsg;

/** The 2M ranges a message touches, read from its gfn or start/end components. */
class FootprintTest {

  @Test
  void aGfnIsItsTwoMegabyteRange() {
    long f = Footprint.of(new GuestMemfdMsg.GetPfn("vcpu-0", 0x1003ff, null, 0));
    assertEquals(0x801, Footprint.lo(f));
    assertEquals(0x801, Footprint.hi(f));
    long aug = Footprint.of(new TdxModuleMsg.TdhMemPageAug(0x100200, Level.PG_LEVEL_2M, 7, null));
    assertTrue(Footprint.overlap(f, aug));
  }

  @Test
  void aRangeCoversEveryTwoMegabyteRangeItTouchesAndNoMore() {
    long f = Footprint.of(new GuestMemfdMsg.PunchHole(0x100000, 0x100400, null, 0));
    assertEquals(0x800, Footprint.lo(f));
    assertEquals(0x801, Footprint.hi(f)); // end is exclusive: 0x100400 is range 0x802's first page
    assertFalse(Footprint.overlap(f, Footprint.of(new GuestMemfdMsg.GetPfn("v", 0x100400, null, 0))));
  }

  @Test
  void aMessageWithoutGuestMemoryHasNone() {
    assertEquals(Footprint.NONE, Footprint.of(new MmuLockMsg.Acquire("vcpu-0", LockMode.SHARED, null, 0)));
    assertEquals(Footprint.NONE, Footprint.of(new TdxModuleMsg.Continue(3)));
    assertEquals(Footprint.NONE, Footprint.of("not a record"));
    assertFalse(Footprint.overlap(Footprint.NONE, Footprint.NONE));
  }
}
