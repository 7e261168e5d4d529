package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tdxsim.actors.vcpu.VcpuScript.BASE;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;

/**
 * A failed set_memory_decrypted: Linux's caller leaks the pages (dma_direct_alloc: goto out_leak_pages) and never
 * calls set_memory_encrypted on them, so the guest program skips a later way back over them (whose ACCEPT would
 * panic on pages the guest still holds, TDX_PAGE_ALREADY_ACCEPTED); a way back of other pages still runs.
 */
class MapGpaLeakTest {
  private static final long P = BASE + 511;

  private static GuestProgram program() {
    return new GuestProgram(0, List.of(new WorkloadStep.MapGpa(P, 2, true), new WorkloadStep.MapGpa(P, 2, false),
        new WorkloadStep.MapGpa(BASE, 1, true), new WorkloadStep.MapGpa(BASE, 1, false)),
        new GuestMemoryView(BASE), new CollectingMonitor());
  }

  private static void fail(GuestProgram g) {
    g.onMapGpaReturn(new MapGpaCall.Result(MapGpaCall.Status.INVALID_OPERAND, 0));
  }

  private static void succeed(GuestProgram g) {
    g.onMapGpaReturn(new MapGpaCall.Result(MapGpaCall.Status.SUCCESS, 0));
  }

  @Test
  void theWayBackOfPagesWhoseConversionToSharedFailedIsNeverRun() {
    GuestProgram g = program();
    assertEquals(new GuestAction.MapGpaCall(P, P + 2, true), g.current());
    fail(g);
    assertEquals(new GuestAction.MapGpaCall(BASE, BASE + 1, true), g.current(), "the way back of P skipped");
    succeed(g);
    assertEquals(new GuestAction.MapGpaCall(BASE, BASE + 1, false), g.current(), "BASE went shared: back");
  }

  @Test
  void aConversionToSharedThatSucceededIsConvertedBack() {
    GuestProgram g = program();
    g.current();
    succeed(g);
    assertEquals(new GuestAction.MapGpaCall(P, P + 2, false), g.current());
  }
}
