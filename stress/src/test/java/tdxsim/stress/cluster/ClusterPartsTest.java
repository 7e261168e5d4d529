package tdxsim.stress.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.stress.hunt.HuntJob;
import tdxsim.stress.hunt.HuntRange;
import tdxsim.stress.hunt.HuntSpec;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.workers.ExploreRange;
import tdxsim.stress.workers.ExploreSpec;
import tdxsim.stress.workers.RangeControl;
import tdxsim.stress.workers.RangeWorker;

/**
 * The parts of a cluster run that need no cluster: the secret's proof, addresses, and the explore job as it
 * travels (spec to a worker, a range's outcome back) without losing anything a trace or a counter holds. The
 * cluster itself is shown by .ci/cluster-test (coordinator and worker JVMs).
 */
class ClusterPartsTest {
  @TempDir Path dir;

  @Test
  void theProofVerifiesUnderTheSameSecretAndVersionOnly() throws Exception {
    Files.writeString(dir.resolve("a"), "correct horse battery staple\n");
    Files.writeString(dir.resolve("b"), "correct horse battery stable\n");
    ClusterSecret a = ClusterSecret.load(dir.resolve("a"));
    ClusterSecret b = ClusterSecret.load(dir.resolve("b"));
    String proof = a.proof("model-1");
    assertTrue(a.verifies("model-1", proof));
    assertFalse(b.verifies("model-1", proof), "another secret");
    assertFalse(a.verifies("model-2", proof), "another version");
    assertFalse(a.verifies("model-1", null));
    assertFalse(proof.contains("horse"));
    Files.writeString(dir.resolve("short"), "tiny");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClusterSecret.load(dir.resolve("short")));
    assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
  }

  @Test
  void addressesParse() {
    assertEquals(new HostPort("10.0.0.5", 2552), HostPort.parse("10.0.0.5", 2552));
    assertEquals(new HostPort("10.0.0.5", 7000), HostPort.parse("10.0.0.5:7000", 2552));
    assertEquals(new HostPort("127.0.0.1", 7000), HostPort.parse(":7000", 2552));
    assertEquals(new HostPort("::1", 7000), HostPort.parse("[::1]:7000", 2552));
    assertEquals("pekko://tdxsim@[::1]:7000", new HostPort("::1", 7000).address("tdxsim"));
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse("h:x", 1));
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse("h:70000", 1));
  }

  @Test
  void anExploreRangeCrossesTheWireUnchangedAndTheSpecRebuildsTheSameJob() {
    Scenario small = ScenarioLoader.load("small", List.of("v1-folio-refcount"));
    ExploreSpec spec = new ExploreSpec(Worlds.traceScenario(small), List.of("v1-folio-refcount"), "pct", 3, 3,
        200_000, "tdxsim test");
    ExploreClusterJob coordinatorSide = new ExploreClusterJob(spec, small);
    ClusterJob<?> workerSide = ClusterJobs.forWorker(coordinatorSide.kind(), coordinatorSide.spec());
    assertEquals(coordinatorSide.spec(), ((ExploreClusterJob) workerSide).spec());
    ExploreRange ran;
    try (RangeWorker<ExploreRange> w = coordinatorSide.job().open(0)) {
      ran = w.run(0, 3, RangeControl.ALL);
    }
    assertNotNull(ran.violation() != null ? ran.violation() : ran.last(), "the range kept no trace");
    assertTrue(ran.chains() > 1 && ran.choiceSteps() > 1, "PCT's n and k travel too: " + ran);
    assertEquals(ran, coordinatorSide.decode(coordinatorSide.encode(ran)));
    String text = coordinatorSide.encode(ran);
    String packed = Packed.pack(text);
    assertEquals(text, Packed.unpack(packed));
    assertTrue(packed.length() < text.length() / 3, "a trace packs to " + packed.length() + " of " + text.length());
    assertThrows(IllegalArgumentException.class, () -> ClusterJobs.forWorker("no-such-job", "{}"));
  }

  @Test
  void aHuntRangeCrossesTheWireUnchangedAndTheSpecRebuildsTheSameWorlds() {
    HuntSpec spec = new HuntSpec(List.of("v1-folio-refcount"), StrategyKind.PCTCP, 3, 8, Budget.steps(50_000),
        "tdxsim test", Set.of("guest.panic", "kvm.bug-on"));
    HuntClusterJob coordinatorSide = new HuntClusterJob(spec);
    ClusterJob<?> workerSide = ClusterJobs.forWorker(coordinatorSide.kind(), coordinatorSide.spec());
    assertEquals(coordinatorSide.spec(), ((HuntClusterJob) workerSide).spec());
    HuntJob workerJob = (HuntJob) workerSide.job();
    assertEquals(new HuntJob(spec).scenario(5).source(), workerJob.scenario(5).source(), "another world 5");
    HuntRange ran;
    try (RangeWorker<HuntRange> w = coordinatorSide.job().open(0)) {
      ran = w.run(0, 4, RangeControl.ALL);
    }
    assertTrue(ran.violated(), "seed 3 of v1-folio-refcount breaks an invariant in world 1: " + ran);
    assertEquals(ran, coordinatorSide.decode(coordinatorSide.encode(ran)));
    assertEquals(ran.schedules(), coordinatorSide.work(ran));
  }
}
