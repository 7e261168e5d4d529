package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * A violation found late in a stress run, in a TD of its fourth generation or later ({@code mut-skip-track} switched
 * on from generation 4: the first three run clean to their ends): the record holds that generation alone (each
 * generation is a fresh world, built from nothing), its cut that TD alone, and the cut replays on the deterministic
 * runtime to the same verdict and that TD's state hash. What the replay reads is bounded by one TD's life, whatever
 * ran before it.
 */
class LateGenerationReplayTest {
  private static final List<String> MUT = List.of("mut-skip-track");

  @Test
  void aViolationInALateGenerationReplaysFromItsTdsCutAlone() {
    Scenario s = StressScenario.scenario(new StressScenario.Spec(24, 8, 1, 1, 2, 8), MUT);
    StressRun.Config c = new StressRun.Config("test", s, MUT, Duration.ofSeconds(60),
        ParallelSettings.defaults().withThreads(2).withRecording(true), true, Duration.ofMillis(20), false, 4);
    StressRun.Outcome o = StressRun.run(c, () -> false, null);
    assertTrue(o.result().violation() != null, () -> "no violation in " + o.generations() + " generations");
    assertTrue(o.generations() >= 4, () -> "generation " + o.generations() + " broke before the option was on: "
        + o.result().violation().oneLine());
    Record cut = o.record();
    assertEquals(MUT, cut.options(), "the record names the options its generation ran with");
    assertEquals(8, cut.vcpus(), "one TD");

    // the generations before ran to their ends, three TDs each (about 11,000 messages a TD); the cut holds part of
    // one TD's life (about 700), of the last generation
    long earlier = o.result().deliveries() - o.hostRecordMessages();
    long perEarlierGeneration = earlier / (o.generations() - 1);
    assertTrue(o.hostRecordMessages() > 0 && cut.deliveries() <= o.hostRecordMessages(), "cut within the host");
    assertTrue(cut.deliveries() * 3 <= perEarlierGeneration, () -> "the cut holds " + cut.deliveries()
        + " messages, an earlier generation of three TDs " + perEarlierGeneration + ": more than a TD's whole life");

    RecordReplayReport rep = RecordReplayer.replay(Worlds.forRecord(cut), cut);
    assertTrue(rep.reproduced(), rep.summary());
    assertEquals(cut.deliveries(), rep.replayed());
    assertEquals(o.result().violation().invariant(), rep.verdict().invariant());
    assertEquals(cut.finalStateHash(), rep.result().stateHash(), "the TD's own state hash at the final cut");
    assertTrue(HostReplay.replay(cut).reproduced(), "as ./tdxsim replay replays it");
  }
}
