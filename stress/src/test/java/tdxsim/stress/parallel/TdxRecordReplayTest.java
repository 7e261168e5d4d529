package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;

/** The TDX model under threads, recorded, replayed on one thread. */
class TdxRecordReplayTest {
  private static ParallelSystem system;

  @BeforeAll
  static void start() {
    system = ParallelSystem.create("par-tdx-test", ParallelSettings.defaults().withThreads(4).withRecording(true));
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static ParallelResult run(Scenario s, ParallelRunner.Options o) {
    return ParallelRunner.run(system, new TdxParallelWorld(s.tds(), s.bounds(), true), o);
  }

  private static ParallelRunner.Options toTheEnd() {
    return ParallelRunner.Options.until(Duration.ofSeconds(60)).checkingEvery(Duration.ofMillis(5));
  }

  private static Record record(ParallelResult r, Scenario s, List<String> options) {
    return Records.of(r, "test", ModelVersion.VERSION, new Trace.Scenario(s.name(), StressRun.sourceOf(s)), options,
        s.vcpus(), 0, 4);
  }

  @Test
  void builtInScenariosRunToTheEndAndReplayFromTheirRecords() {
    Set<Long> outcomes = new HashSet<>();
    for (String name : List.of("small", "default")) {
      Scenario s = ScenarioLoader.load(name);
      for (int i = 0; i < 2; i++) {
        ParallelResult r = run(s, toTheEnd());
        assertEquals(ParallelResult.StopReason.QUIESCENT, r.stoppedBy());
        assertTrue(r.ok(), () -> r.violation().oneLine());
        outcomes.add(r.stateHash());
        Record rec = record(r, s, List.of());
        RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
        assertTrue(rep.reproduced(), rep.summary());
        assertEquals(r.stateHash(), rep.result().stateHash());
      }
    }
    System.out.println("distinct final states: " + outcomes.size() + " of 4 runs");
  }

  /** A host of three TDs (8 vCPUs each) running in parallel, cut by its duration. */
  @Test
  void aGeneratedStressRunCutByItsDurationReplaysToTheSameState() {
    Scenario s = StressScenario.scenario(new StressScenario.Spec(24, 8, 32, 2, 3, 8), List.of());
    assertEquals(3, s.tds().size());
    ParallelResult r = run(s, ParallelRunner.Options.until(Duration.ofMillis(400)).checkingEvery(Duration.ofMillis(50)));
    assertTrue(r.ok(), () -> r.violation().oneLine());
    assertEquals(ParallelResult.StopReason.DURATION, r.stoppedBy(), "the workload outlasts the run");
    Record rec = record(r, s, List.of());
    assertTrue(StressScenario.isSource(rec.scenario().source()));
    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
    assertTrue(rep.reproduced(), rep.summary());
    assertEquals(rec.deliveries(), rep.replayed());
    assertEquals(r.stateHash(), rep.result().stateHash());
    // TD by TD: each TD's cut in a world of that TD, the host's hash mixed from theirs
    RecordReplayReport byTd = HostReplay.replay(rec);
    assertTrue(byTd.reproduced(), byTd.summary());
    assertTrue(byTd.summary().startsWith("reproduced exactly, TD by TD (3 TDs)"), byTd.summary());
    assertEquals(rec.deliveries(), byTd.replayed());
  }

  /**
   * A protocol mutation caught under threads, in the generated stress scenario: {@code mut-skip-track} demotes and
   * removes S-EPT entries without TDH.MEM.TRACK and the kick, which the TDX module refuses
   * (TDX_TLB_TRACKING_NOT_DONE) and the checker of the TD it happened in reports, naming the TD. The replay of the
   * host's whole record reproduces the verdict and every recorded message, and the trace of it replays on its own.
   * (The host's final-state hash is compared in {@link TdCutReplayTest}, on the violating TD: the load races from
   * its first steps, and a violation can stop the run before another TD's actors were even created, whose fresh
   * state the replay, which creates every actor first, then hashes.)
   */
  @Test
  void aProtocolMutationCaughtUnderThreadsIsReproducedByReplay() {
    List<String> options = List.of("mut-skip-track");
    Scenario s = StressScenario.scenario(new StressScenario.Spec(16, 8, 8, 1, 2, 8), options);
    ParallelResult r = run(s, ParallelRunner.Options.until(Duration.ofSeconds(60)).checkingEvery(Duration.ofMillis(20)));
    assertEquals(ParallelResult.StopReason.VIOLATION, r.stoppedBy());
    assertEquals("tdx.demote-blocked-tracked", r.violation().invariant());
    assertTrue(r.violation().detail().matches("td-[01]: .*"), r.violation().detail());
    Record rec = record(r, s, options);
    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
    assertTrue(rep.reproduced() || rep.outcome() == ReplayReport.Outcome.HASH_DIFFERS, rep.summary());
    assertEquals(rec.deliveries(), rep.replayed());
    assertEquals(r.violation().invariant(), rep.verdict().invariant());
    RecordReplayReport byTd = HostReplay.replay(rec);
    assertTrue(byTd.reproduced() || byTd.outcome() == ReplayReport.Outcome.HASH_DIFFERS, byTd.summary());
    assertEquals(rec.deliveries(), byTd.replayed());
    assertEquals(r.violation().invariant(), byTd.verdict().invariant());
    assertTrue(byTd.verdict().detail().startsWith(r.violation().detail().substring(0, 5)), byTd.verdict().detail());
    Trace trace = rep.violationTrace().orElseThrow();
    ReplayReport again = Replayer.replay(Worlds.forTrace(trace), trace);
    assertTrue(again.reproduced(), again.summary());
  }

  /**
   * A design bug caught under threads: the v1 failable invalidation notifier (design option
   * {@code failable-notifier}) lets a conversion fail after userspace already lost its mappings. The parallel run
   * stops on the violation; the replay of its record reproduces verdict and state, and its trace replays.
   */
  @Test
  void aDesignBugCaughtUnderThreadsIsReproducedByReplay() {
    List<String> options = List.of("failable-notifier");
    Scenario s = ScenarioLoader.load("default", options);
    ParallelResult r = run(s, toTheEnd());
    assertEquals(ParallelResult.StopReason.VIOLATION, r.stoppedBy());
    assertEquals("gmem.conversion-all-or-nothing", r.violation().invariant());
    Record rec = record(r, s, options);
    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(rec), rec);
    assertTrue(rep.reproduced(), rep.summary());
    assertEquals(r.stateHash(), rep.result().stateHash());
    assertEquals(r.violation().invariant(), rep.verdict().invariant());

    Trace trace = rep.violationTrace().orElseThrow();
    assertNotNull(trace.violation());
    ReplayReport again = Replayer.replay(new TdxWorldFactory(s), trace);
    assertTrue(again.reproduced(), again.summary());
  }
}
