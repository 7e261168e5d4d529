package tdxsim.actors.monitor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import tdxsim.protocol.Level;

/**
 * Observations check what every reporter guarantees (assertions, on in the test run), and no more: what a design
 * option may legally report (an empty invalidation range, a 4K GUEST_INHIBIT the checker ignores) still constructs.
 */
class ObservationPreconditionsTest {
  @Test
  void anObservationNoReporterCanMakeFailsLoudly() {
    assertThrows(AssertionError.class, () -> new MmuObservation.FaultBegin(-1, 0x200));
    assertThrows(AssertionError.class, () -> new MmuObservation.InvalidateEnd(0x400, 0x200, 1, 0));
    assertThrows(AssertionError.class, () -> new SeptObservation.TdEpochAdvanced(0));
    assertThrows(AssertionError.class, () -> new GmemObservation.ConversionEnd("to-shared", 0, 512, true,
        tdxsim.protocol.Errno.EIO));
  }

  @Test
  void whatADesignOptionMayReportStillConstructs() {
    assertDoesNotThrow(() -> new MmuObservation.InvalidateBegin(0x200, 0x200, 0, 1));
    assertDoesNotThrow(() -> new MmuObservation.InvalidateEnd(0x200, 0x200, 1, 0));
    assertDoesNotThrow(() -> new MmuObservation.GuestInhibitSet(0x200, Level.PG_LEVEL_4K));
    assertDoesNotThrow(() -> new GmemObservation.ConversionEnd("to-shared", 0, 512, false, null));
  }
}
