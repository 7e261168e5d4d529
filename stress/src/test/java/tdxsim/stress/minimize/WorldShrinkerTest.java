package tdxsim.stress.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;

/** The world shrinker leaves out what R5's race does not need and keeps a trace that replays. */
class WorldShrinkerTest {
  /** race-r5 (a 2M prefetch of r0 against the VMM's punch hole of r0) with two vCPUs busy on r1 and one idle. */
  private static final String WORLD = """
      name = r5-padded
      vcpus = 4
      ranges-2m = 2
      workloads = [
        [ { op = accept, at = r1, pages = 512 }, { op = touch, at = r1, pages = 2 } ]
        [ { op = prefetch, at = r0, pages = 512 } ]
        [ { op = prefetch, at = "r1+256", pages = 1 } ]
      ]
      vmm = [ { op = punch-hole, at = r0, pages = 512 } ]
      """;
  private static final List<String> OPTIONS = List.of("mut-no-retry-check");
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("world-shrinker");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static Scenario load(String text) {
    return ScenarioLoader.parse("w.conf", "r5-padded", text).withOptions(OPTIONS);
  }

  @Test
  void theWorldLosesTheVcpusTheRaceDoesNotNeedAndTheTraceReplays() {
    Trace template = new Trace("test", ModelVersion.VERSION, new Trace.Scenario("r5-padded", WORLD), OPTIONS, "pct",
        1, 0, 1, Budget.DEFAULT, List.of(), null, 0);
    Trace found = WorldShrinker.firstViolation(system, load(WORLD), WORLD, template, 64);
    assertNotNull(found, "the padded R5 world broke nothing in 64 PCT schedules");
    String invariant = found.violation().invariant();

    WorldShrinker.Result r = new WorldShrinker(system, 64, 40, () -> false).shrink(found, line -> { });

    assertEquals(invariant, r.trace().violation().invariant());
    String text = r.trace().scenario().source();
    int vcpus = WorldEdits.parse(text).getInt("vcpus");
    assertTrue(vcpus < 4, "no vCPU left out: " + r.removed());
    assertTrue(r.attempts() <= 40);
    assertTrue(WorldEdits.parse(text).getList("workloads").size() < 3, "no workload left out: " + r.removed());
    assertTrue(Replayer.replay(system, new TdxWorldFactory(load(text)), r.trace()).reproduced(),
        "the shrunk world's trace does not replay");
  }

  @Test
  void aCandidateTheLoaderRefusesIsNoWorld() {
    // without a 2M range, r1's addresses lie beyond the memslot: the edit is listed, the loader refuses it
    assertTrue(WorldEdits.of(WORLD).stream().anyMatch(e -> e.what().equals("a 2M range")));
    String fewerRanges = WorldEdits.of(WORLD).stream().filter(e -> e.what().equals("a 2M range")).findFirst()
        .orElseThrow().text();
    org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> load(fewerRanges));
  }

  @Test
  void aMapGpaToSharedLeavesWithItsWayBackButTheWayBackCanLeaveAlone() {
    String trip = """
        vcpus = 1
        ranges-2m = 1
        workloads = [ [ { op = accept, at = r0, pages = 512 }, { op = map-gpa, at = r0, pages = 4, to = shared },
                        { op = map-gpa, at = r0, pages = 4, to = private } ] ]
        """;
    List<WorldEdits.Edit> edits = WorldEdits.of(trip);
    WorldEdits.Edit out = edits.stream().filter(e -> e.what().startsWith("vcpu-0 op 1")).findFirst().orElseThrow();
    assertEquals("vcpu-0 op 1 and its way back", out.what());
    List<?> ops = (List<?>) WorldEdits.parse(out.text()).getList("workloads").get(0).unwrapped();
    assertEquals(1, ops.size(), "only the ACCEPT is left: " + out.text());
    WorldEdits.Edit back = edits.stream().filter(e -> e.what().startsWith("vcpu-0 op 2")).findFirst().orElseThrow();
    assertEquals("vcpu-0 op 2", back.what()); // a guest may keep memory shared
    load(out.text()); // still a world the loader takes
  }
}
