package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.vcpu.VcpuScript.G2M;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.GuestAccepted;
import tdxsim.actors.monitor.MmuObservation.GuestDataLost;
import tdxsim.actors.monitor.MmuObservation.GuestPanic;
import tdxsim.actors.monitor.MmuObservation.VcpuWorkloadDone;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.Level;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/** The guest side: Linux's try_accept_one fallback and panic, a tolerant guest, and data-loss detection. */
class GuestAcceptTest {

  /** The guest leaves the guest for the host once its workload is done; the vCPU reports it. */
  private void finish(VcpuScript s) {
    s.p.module(TdxModuleMsg.ExternalInterrupt.class);
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
    assertEquals(1, s.mon.count(VcpuWorkloadDone.class));
  }

  @Test
  void linuxFallsBackFrom2mTo4kOnAnyNonZeroStatus() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.linux(G2M, 512)));
    s.start();
    s.enter();
    s.acceptReturns(G2M, Level.PG_LEVEL_2M, TdxStatus.TDX_PAGE_SIZE_MISMATCH);
    for (int i = 0; i < 512; i++) s.acceptReturns(G2M + i, Level.PG_LEVEL_4K, TdxStatus.TDX_SUCCESS);
    assertEquals(1, s.mon.count(FlowStep.class, f -> f.flow() == Flow.ACCEPT_FALLBACK));
    assertEquals(512, s.mon.count(GuestAccepted.class));
    finish(s);
  }

  @Test
  void linuxPanicsWhenA4kAcceptFails() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.linux(G2M + 1, 1)));
    s.start();
    s.enter();
    s.acceptReturns(G2M + 1, Level.PG_LEVEL_4K, TdxStatus.TDX_PAGE_ALREADY_ACCEPTED);
    assertEquals(1, s.mon.count(GuestPanic.class, p -> p.reason().startsWith("TDX: Failed to accept memory")));
    s.p.module(TdxModuleMsg.ExternalInterrupt.class); // the vCPU stops
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
    s.p.assertQuiet();
    assertEquals(0, s.mon.count(VcpuWorkloadDone.class));
  }

  @Test
  void aTolerantGuestTakesAlreadyAcceptedAndRetriesBusy() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.tolerant(G2M, 2, Level.PG_LEVEL_4K)));
    s.start();
    s.enter();
    s.acceptReturns(G2M, Level.PG_LEVEL_4K, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY);
    s.acceptReturns(G2M, Level.PG_LEVEL_4K, TdxStatus.TDX_PAGE_ALREADY_ACCEPTED);
    s.acceptReturns(G2M + 1, Level.PG_LEVEL_4K, TdxStatus.TDX_SUCCESS);
    assertEquals(2, s.mon.count(GuestAccepted.class));
    assertEquals(0, s.mon.count(GuestPanic.class));
    finish(s);
  }

  @Test
  void touchFirstAcceptsOnVeAndAVeOnAnAcceptedPageIsDataLoss() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G2M, 1), new WorkloadStep.Touch(G2M, 1)));
    s.start();
    s.enter();
    TdxModuleMsg.GuestMemAccess a = s.p.module(TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(new GuestResult.VirtualizationException(0, G2M, a.tag())); // PENDING: the #VE handler accepts
    assertEquals(0, s.mon.count(GuestDataLost.class), "not accepted before: no loss");
    s.acceptReturns(G2M, Level.PG_LEVEL_4K, TdxStatus.TDX_SUCCESS);
    a = s.p.module(TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(new GuestResult.GuestAccessOk(0, G2M, a.tag()));
    a = s.p.module(TdxModuleMsg.GuestMemAccess.class); // second touch: the page was zapped behind its back
    s.vcpu.run(new GuestResult.VirtualizationException(0, G2M, a.tag()));
    assertEquals(1, s.mon.count(GuestDataLost.class));
    assertTrue(s.p.module.hasMessages());
  }

  @Test
  void anAccessFaultThatMapsANewPageUnderAnAcceptedOneIsDataLoss() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.tolerant(G2M, 1, Level.PG_LEVEL_4K),
        new WorkloadStep.Touch(G2M, 1)));
    s.start();
    s.enter();
    s.acceptReturns(G2M, Level.PG_LEVEL_4K, TdxStatus.TDX_SUCCESS);
    s.accessFaults(G2M); // SEPT_VE_DISABLE: an EPT violation, the page is gone from the S-EPT
    s.faultinPfn(G2M, 0);
    s.readLock(0);
    s.read1G(0);
    s.p.readSpte(tdxsim.protocol.Spte.SHADOW_NONPRESENT_VALUE, 0);
    s.p.cmpxchg(true, null);
    s.p.seamcall(TdxModuleMsg.TdhMemPageAug.class, TdxStatus.TDX_SUCCESS);
    s.p.write();
    s.p.release(tdxsim.protocol.LockMode.SHARED);
    assertEquals(1, s.mon.count(GuestDataLost.class));
  }
}
