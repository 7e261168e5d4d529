package tdxsim.actors.vcpu;

import tdxsim.actors.monitor.Flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static tdxsim.actors.vcpu.VcpuScript.BASE;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.VcpuWorkloadDone;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;
import tdxsim.protocol.VmmMsg;

/**
 * TDG.VP.VMCALL&lt;MapGPA&gt; [LNX tdx.c]: one KVM_HC_MAP_GPA_RANGE exit per TDX_MAP_GPA_MAX_LEN (2 MB) chunk, the
 * next chunk's exit on the next KVM_RUN without entering the guest; a pending interrupt between chunks returns
 * TDVMCALL_STATUS_RETRY with R11 = the next chunk, and the guest (tdx_map_gpa) calls again from there.
 */
class MapGpaChunksTest {
  private static final long START = BASE + 256;

  /** The guest's MapGPA of 768 pages to shared: it TD-exits (TDVMCALL), KVM exits to the VMM. */
  private static VcpuScript calling() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.MapGpa(START, 768, true)));
    s.start();
    s.enter();
    ScriptedPeers.next(s.p.module, TdxModuleMsg.ExternalInterrupt.class); // the TDVMCALL leaves the TD
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
    return s;
  }

  private static VmmMsg.MapGpaExit exit(VcpuScript s, long start, long end) {
    VmmMsg.MapGpaExit e = ScriptedPeers.next(s.p.vmm, VmmMsg.MapGpaExit.class);
    assertEquals(List.of(start, end), List.of(e.start(), e.end()));
    return e;
  }

  @Test
  void aMapGpaOf768PagesIsTwoExitsOf512And256() {
    VcpuScript s = calling();
    VmmMsg.MapGpaExit first = exit(s, START, START + 512);
    s.vcpu.run(new KvmReply.MapGpaDone(true, null, first.tag()));
    VmmMsg.MapGpaExit second = exit(s, START + 512, START + 768); // no TD entry in between
    s.p.assertQuiet();
    s.vcpu.run(new KvmReply.MapGpaDone(true, null, second.tag()));
    assertEquals(1, s.mon.count(VcpuWorkloadDone.class), "SUCCESS: the guest's call, its last step, is done");
    assertEquals(0, s.mon.count(FlowStep.class, f -> f.flow() == Flow.MAPGPA_FAILED));
  }

  @Test
  void aPendingInterruptBetweenChunksReturnsRetryAndTheGuestGoesOnFromR11() {
    VcpuScript s = calling();
    VmmMsg.MapGpaExit first = exit(s, START, START + 512);
    s.vcpu.run(new VcpuMsg.PostedInterrupt());
    s.vcpu.run(new KvmReply.MapGpaDone(true, null, first.tag()));
    assertEquals(1, s.mon.count(FlowStep.class, f -> f.flow() == Flow.MAPGPA_RETRY));
    s.enter(); // TDVMCALL_STATUS_RETRY, R11 = START + 512; the guest takes the interrupt and calls again
    ScriptedPeers.next(s.p.module, TdxModuleMsg.ExternalInterrupt.class);
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
    VmmMsg.MapGpaExit again = exit(s, START + 512, START + 768);
    s.vcpu.run(new KvmReply.MapGpaDone(true, null, again.tag()));
    assertEquals(1, s.mon.count(VcpuWorkloadDone.class));
    assertEquals(0, s.mon.count(FlowStep.class, f -> f.flow() == Flow.MAPGPA_FAILED));
  }

  @Test
  void aFailedChunkFailsTheCall() {
    VcpuScript s = calling();
    VmmMsg.MapGpaExit first = exit(s, START, START + 512);
    s.vcpu.run(new KvmReply.MapGpaDone(false, "TDVMCALL_STATUS_INVALID_OPERAND", first.tag()));
    assertEquals(1, s.mon.count(FlowStep.class, f -> f.flow() == Flow.MAPGPA_FAILED));
    s.p.assertQuiet();
  }

  @Test
  void theGuestRetriesFromR11AndGivesUpAfterThreeRetriesWithoutProgress() {
    tdxsim.actors.kvm.testkit.CollectingMonitor mon = new tdxsim.actors.kvm.testkit.CollectingMonitor();
    GuestProgram g = new GuestProgram(0, List.of(new WorkloadStep.MapGpa(START, 768, true)),
        new GuestMemoryView(BASE), mon);
    g.current();
    g.onMapGpaReturn(new MapGpaCall.Result(MapGpaCall.Status.RETRY, START + 512));
    assertEquals(new GuestAction.MapGpaCall(START + 512, START + 768, true), g.current(), "from R11");
    for (int i = 0; i < 2; i++) g.onMapGpaReturn(new MapGpaCall.Result(MapGpaCall.Status.RETRY, START + 512));
    assertEquals(new GuestAction.MapGpaCall(START + 512, START + 768, true), g.current(), "two retries in place");
    g.onMapGpaReturn(new MapGpaCall.Result(MapGpaCall.Status.RETRY, START + 512));
    assertEquals(1, mon.count(FlowStep.class, f -> f.flow() == Flow.MAPGPA_FAILED), "max_retries_per_page");
    assertEquals(new GuestAction.Finished(), g.current());
  }
}
