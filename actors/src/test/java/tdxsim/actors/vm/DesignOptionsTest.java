package tdxsim.actors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.kvm.testkit.VmRunner;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.monitor.GmemObservation.FolioRefChanged;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.protocol.Errno;

/** Each v1 design option changes what the baseline does, end to end. */
class DesignOptionsTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void cleanup() {
    kit.shutdownTestKit();
  }

  private static long flows(CollectingMonitor m, String f) {
    return m.count(FlowStep.class, s -> s.flow() == Flow.valueOf(f));
  }

  private static VmConfig prefetch2M(Set<DesignOption> options) {
    VmConfig e = VmConfig.empty("prefetch", 1, 4);
    return e.withWorkloads(List.of(List.of(new WorkloadStep.Prefetch(e.range(1), 512))), List.of())
        .withOptions(options);
  }

  @Test
  void prefetchMaps2mInTheBaseline() throws InterruptedException {
    CollectingMonitor m = VmRunner.run(kit, prefetch2M(Set.of()), 0);
    assertEquals(1, flows(m, "AUG_2M"));
    assertEquals(0, flows(m, "AUG_4K"));
  }

  @Test
  void v1ForcesPrefetchTo4k() throws InterruptedException {
    CollectingMonitor m = VmRunner.run(kit, prefetch2M(EnumSet.of(DesignOption.V1_PREFETCH_4K)), 0);
    assertEquals(0, flows(m, "AUG_2M"));
    assertEquals(512, flows(m, "AUG_4K"));
  }

  @Test
  void withoutEnhancedDemoteInterruptibilityV3MapsOnly4k() throws InterruptedException {
    CollectingMonitor m = VmRunner.run(kit, prefetch2M(Set.of()).withEnhancedDemoteInterruptibility(false), 0);
    assertEquals(0, flows(m, "AUG_2M"));
    assertEquals(512, flows(m, "AUG_4K"));
  }

  @Test
  void v1FolioRefsBlockTheRestructuringAfterTheZap() throws InterruptedException {
    VmConfig e = VmConfig.empty("v1refs", 1, 4);
    long r1 = e.range(1);
    VmConfig c = e.withWorkloads(List.of(List.of(WorkloadStep.Accept.linux(r1, 512),
        new WorkloadStep.MapGpa(r1, 4, true))), List.of()).withOptions(EnumSet.of(DesignOption.V1_FOLIO_REFCOUNT));
    CollectingMonitor m = VmRunner.run(kit, c, 1);
    List<FolioRefChanged> refs = m.of(FolioRefChanged.class);
    assertEquals(512, refs.get(0).delta(), "folio_ref_add(folio, KVM_PAGES_PER_HPAGE(2M)) at the 2M AUG");
    assertEquals(4, refs.stream().filter(r -> r.delta() == -1).count(), "folio_put_refs(1) per 4K REMOVE");
    ConversionEnd end = m.of(ConversionEnd.class).get(0);
    assertFalse(end.ok(), "the 2M folio cannot be split while TDX holds refs on its other pages [R8]");
    assertEquals(Errno.EAGAIN, end.error());
    assertEquals(4, flows(m, "REMOVE"));
  }

  @Test
  void v3TakesNoFolioRefs() throws InterruptedException {
    VmConfig e = VmConfig.empty("v3refs", 1, 4);
    VmConfig c = e.withWorkloads(List.of(List.of(WorkloadStep.Accept.linux(e.range(1), 512),
        new WorkloadStep.MapGpa(e.range(1), 4, true))), List.of());
    CollectingMonitor m = VmRunner.run(kit, c, 1);
    assertEquals(0, m.count(FolioRefChanged.class));
    assertTrue(m.of(ConversionEnd.class).get(0).ok());
  }

  @Test
  void v1NeverSplitsAndA4kAcceptOverAPending2mLeafFaultsForever() throws InterruptedException {
    VmConfig e = VmConfig.empty("v1split", 1, 4);
    long r1 = e.range(1);
    VmConfig c = e.withWorkloads(List.of(List.of(new WorkloadStep.Touch(r1 + 7, 1))), List.of())
        .withOptions(EnumSet.of(DesignOption.V1_IGNORE_SHARED_SPLIT)).withSeptVeDisable(false); // touch-first guest
    // Touch first: KVM maps 2M; #VE; the 4K ACCEPT exits (case b); v1 ignores the split and maps 2M again...
    // with no vCPU to ACCEPT the 2M page, "the worst outcome ... endless EPT violation" [C2 Open 2, R2].
    CollectingMonitor m = VmRunner.runUntil(kit, c, mon -> mon.count(FlowStep.class,
        f -> f.flow() == Flow.IGNORE_SHARED_SPLIT) >= 20);
    assertEquals(0, flows(m, "DEMOTE"));
    assertEquals(0, flows(m, "ACCEPT_4K"));
    assertEquals(0, m.count(KvmBugOn.class));
  }

  @Test
  void v3SplitsForA4kAcceptOverA2mMapping() throws InterruptedException {
    VmConfig e = VmConfig.empty("v3split", 1, 4);
    long r1 = e.range(1);
    VmConfig c = e.withWorkloads(List.of(List.of(new WorkloadStep.Touch(r1 + 7, 1))), List.of())
        .withSeptVeDisable(false); // a touch-first (non-Linux) guest
    CollectingMonitor m = VmRunner.run(kit, c, 0);
    assertEquals(1, flows(m, "AUG_2M"), "touch first: KVM maps 2M");
    assertEquals(1, flows(m, "DEMOTE"), "the guest's 4K ACCEPT splits it [P3-13]");
    assertEquals(1, flows(m, "ACCEPT_4K"));
  }
}
