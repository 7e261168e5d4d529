package tdxsim.actors.gmem;

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
import tdxsim.actors.monitor.GmemObservation.AttributesChanged;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.monitor.GmemObservation.FolioChanged;
import tdxsim.actors.monitor.GmemObservation.UserMapping;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.GuestDataLost;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.monitor.MmuObservation.SpteChanged;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.actors.vm.GfnRange;
import tdxsim.actors.vm.VmConfig;
import tdxsim.protocol.Errno;

/**
 * Conversions and punch hole end to end (real TDX module, real threads; each outcome is schedule-independent):
 * the default fallible pre-phase keeps each batch all-or-nothing, a failed batch keeps the earlier ones converted,
 * FAILABLE_NOTIFIER shows R7.
 */
class ConversionTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void cleanup() {
    kit.shutdownTestKit();
  }

  private static long flows(CollectingMonitor m, String f) {
    return m.count(FlowStep.class, s -> s.flow() == Flow.valueOf(f));
  }

  /** Two 2M ranges accepted, then a conversion to shared of [R1 + 256, R2 + 256) with no split cache left. */
  private static VmConfig enomemScenario(Set<DesignOption> options) {
    VmConfig e = VmConfig.empty("enomem", 1, 4);
    long r1 = e.range(1);
    long r2 = e.range(2);
    return e.withWorkloads(List.of(List.of(WorkloadStep.Accept.linux(r1, 512), WorkloadStep.Accept.linux(r2, 512),
            new WorkloadStep.MapGpa(r1 + 256, 512, true), new WorkloadStep.Touch(r1, 1))), List.of())
        .withSplitCachePages(0).withOptions(options);
  }

  @Test
  void splitEnomemFailsTheConversionBeforeAnyZap() throws InterruptedException {
    CollectingMonitor m = VmRunner.run(kit, enomemScenario(Set.of()), 1);
    ConversionEnd end = m.of(ConversionEnd.class).get(0);
    assertFalse(end.ok());
    assertEquals(Errno.ENOMEM, end.error());
    assertEquals(0, flows(m, "REMOVE"), "nothing zapped");
    assertEquals(0, m.count(AttributesChanged.class));
    assertEquals(0, m.count(GuestDataLost.class));
    assertEquals(0, m.count(KvmBugOn.class));
  }

  @Test
  void aFailedBatchKeepsTheEarlierBatchesConverted() throws InterruptedException {
    // [R1 + 511, R2 + 1): batch 1 splits R1's leaf with the one cache page and zaps its last page; batch 2's split
    // of R2's leaf finds the cache empty: -ENOMEM with error_offset = R2, batch 1 stays converted [GMEM-BASE].
    VmConfig e = VmConfig.empty("batches", 1, 4);
    long r1 = e.range(1);
    long r2 = e.range(2);
    VmConfig c = e.withWorkloads(List.of(List.of(WorkloadStep.Accept.linux(r1, 512),
        WorkloadStep.Accept.linux(r2, 512), new WorkloadStep.MapGpa(r1 + 511, 2, true))), List.of())
        .withSplitCachePages(1);
    CollectingMonitor m = VmRunner.run(kit, c, 2);
    List<ConversionEnd> ends = m.of(ConversionEnd.class);
    assertEquals(2, ends.size());
    assertTrue(ends.get(0).ok());
    assertEquals(r1 + 511, ends.get(0).start());
    assertFalse(ends.get(1).ok());
    assertEquals(Errno.ENOMEM, ends.get(1).error());
    assertEquals(r2, ends.get(1).start(), "error_offset: the failed batch's start");
    assertEquals(1, flows(m, "REMOVE"), "batch 1's page zapped, nothing of batch 2");
    assertEquals(1, flows(m, "CONVERT_ERROR_OFFSET"));
    assertEquals(List.of(new AttributesChanged(r1 + 511, r1 + 512, false)), m.of(AttributesChanged.class));
    assertEquals(0, m.count(GuestDataLost.class));
  }

  @Test
  void theFailableNotifierAloneKeepsTheSplitPrePhase() throws InterruptedException {
    // one option, one change: failable users (R7) do not bring the one-pass split+zap (R6, mutation 6) with them
    CollectingMonitor m = VmRunner.run(kit, enomemScenario(EnumSet.of(DesignOption.FAILABLE_NOTIFIER)), 1);
    ConversionEnd end = m.of(ConversionEnd.class).get(0);
    assertFalse(end.ok());
    assertEquals(Errno.ENOMEM, end.error());
    assertEquals(0, flows(m, "REMOVE"), "nothing zapped");
  }

  /** Accept 8 pages, convert them to shared (the VMM maps them into userspace and the IOMMU), then back. */
  private static VmConfig pinnedScenario(Set<DesignOption> options) {
    VmConfig e = VmConfig.empty("pinned", 1, 4);
    long r1 = e.range(1);
    return e.withWorkloads(List.of(List.of(WorkloadStep.Accept.linux(r1, 8), new WorkloadStep.MapGpa(r1, 8, true),
            new WorkloadStep.MapGpa(r1, 8, false))), List.of())
        .withIommuPinned(List.of(new GfnRange(r1, 8))).withOptions(options);
  }

  @Test
  void aRefusingUserFailsThePrePhaseAndNobodyUnmaps() throws InterruptedException {
    CollectingMonitor m = VmRunner.run(kit, pinnedScenario(Set.of()), 2);
    List<ConversionEnd> ends = m.of(ConversionEnd.class);
    assertTrue(ends.get(0).ok());
    assertFalse(ends.get(1).ok());
    assertEquals(2, m.count(UserMapping.class, u -> u.mapped()));
    assertEquals(0, m.count(UserMapping.class, u -> !u.mapped()), "no user lost a mapping");
    assertEquals(1, flows(m, "MAPGPA_FAILED"));
  }

  @Test
  void aFailableNotifierAbortsAfterEarlierUsersUnmapped() throws InterruptedException {
    CollectingMonitor m = VmRunner.run(kit, pinnedScenario(EnumSet.of(DesignOption.FAILABLE_NOTIFIER)), 2);
    List<ConversionEnd> ends = m.of(ConversionEnd.class);
    assertFalse(ends.get(1).ok());
    List<UserMapping> unmapped = m.of(UserMapping.class).stream().filter(u -> !u.mapped()).toList();
    assertEquals(1, unmapped.size());
    assertEquals("userspace", unmapped.get(0).user(), "A unmapped, then C (the IOMMU) refused [R7]");
  }

  @Test
  void convertingAWhole2mRangeRemovesTheLeafAt2mWithoutSplitting() throws InterruptedException {
    VmConfig e = VmConfig.empty("whole", 1, 4);
    long r1 = e.range(1);
    VmConfig c = e.withWorkloads(List.of(List.of(new WorkloadStep.Prefetch(r1, 512),
        new WorkloadStep.MapGpa(r1, 512, true))), List.of());
    CollectingMonitor m = VmRunner.run(kit, c, 1);
    assertEquals(1, flows(m, "AUG_2M"));
    assertEquals(1, flows(m, "REMOVE"), "the 2M leaf inside the range is removed at 2M");
    assertEquals(0, flows(m, "DEMOTE"));
    assertTrue(m.count(SpteChanged.class, s -> s.gfn() == r1 && s.from().isLeaf() && !s.to().isPresent()) > 0);
    assertEquals(0, m.count(FolioChanged.class, f -> !f.live()), "a conversion does not free folios");
  }
}
