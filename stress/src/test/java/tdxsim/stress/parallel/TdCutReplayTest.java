package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;

/**
 * A violation found in one TD of a generated host is replayed from that TD alone: the stress run cuts its record
 * down to the violating TD's actors (TDs share nothing), the cut record replays in a world of that TD only to the
 * same verdict and to that TD's state hash at the run's final cut, and the trace made from it holds that TD alone
 * and replays on its own.
 */
class TdCutReplayTest {
  @Test
  void aMultiTdRecordWhoseViolationIsInOneTdReplaysFromTheCutDownRecord() {
    List<String> options = List.of("mut-skip-track");
    Scenario s = StressScenario.scenario(new StressScenario.Spec(24, 8, 1, 1, 2, 8), options);
    assertEquals(3, s.tds().size());
    StressRun.Config c = new StressRun.Config("test", s, options, Duration.ofSeconds(60),
        ParallelSettings.defaults().withThreads(2).withRecording(true), true, Duration.ofMillis(20), false);
    StressRun.Outcome o = StressRun.run(c, () -> false, null);
    // Real threads: which of the mutation's invariants breaks first depends on the timing (catalogue entry 7).
    String invariant = o.result().violation().invariant();
    assertTrue(List.of("tdx.demote-blocked-tracked", "kvm.bug-on").contains(invariant), invariant);
    String td = o.result().violation().detail().substring(0, o.result().violation().detail().indexOf(':'));

    Record cut = o.record();
    // Under load the other TDs may not have run a step before the violation: the cut is then no smaller.
    assertTrue(o.hostRecordMessages() >= cut.deliveries(), () -> "the cut record holds one TD of three: "
        + o.hostRecordMessages() + " in the host, " + cut.deliveries() + " cut, " + o.result().violation().oneLine()
        + ", " + o.generations() + " generations");
    assertTrue(cut.scenario().source().endsWith(" " + td.replace('-', '=')), cut.scenario().source());
    assertEquals(8, cut.vcpus());
    assertTrue(cut.orders().actors().stream().noneMatch(a -> a.actor().startsWith("td-")), "renamed as one TD's");
    assertFalse(cut.violation().detail().startsWith("td-"), cut.violation().detail());
    assertEquals(1, Worlds.scenarioOf(cut.scenario(), cut.options()).tds().size());

    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(cut), cut);
    assertTrue(rep.reproduced(), rep.summary());
    assertEquals(cut.deliveries(), rep.replayed());
    assertEquals(invariant, rep.verdict().invariant());
    assertEquals(cut.finalStateHash(), rep.result().stateHash(), "the TD's own state hash at the final cut");

    Trace trace = rep.violationTrace().orElseThrow();
    assertEquals(cut.scenario().source(), trace.scenario().source(), "the trace names that TD alone");
    ReplayReport again = Replayer.replay(Worlds.forTrace(trace), trace);
    assertTrue(again.reproduced(), again.summary());
  }
}
