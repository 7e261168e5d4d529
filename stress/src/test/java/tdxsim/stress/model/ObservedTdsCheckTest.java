package tdxsim.stress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.Test;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.parallel.ParallelResult;
import tdxsim.stress.parallel.ParallelRunner;
import tdxsim.stress.parallel.ParallelSettings;
import tdxsim.stress.parallel.ParallelSystem;
import tdxsim.stress.parallel.Records;
import tdxsim.stress.parallel.TdxParallelWorld;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.World;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;

/**
 * The deterministic world checks, at the end of a delivery, only the TDs that saw an observation since their last
 * check ({@link TdCheckers#firstObserved}); a world that checks every TD after every delivery (what it did before)
 * must give the same first violation, at the same delivery, and the same state hash: on random schedules of a host of
 * three TDs with {@code mut-skip-track}, and on the whole-host replay of a recorded stress run of that host.
 */
class ObservedTdsCheckTest {
  private static final List<String> MUT = List.of("mut-skip-track");
  private static final Scenario HOST = StressScenario.scenario(new StressScenario.Spec(24, 8, 1, 1, 2, 8), MUT);

  /** The world as it was: every TD's checker after every delivery. */
  private static final class EveryTdChecked implements World {
    private final TdCheckers checkers = new TdCheckers(HOST.tds(), HOST.bounds());

    @Override
    public Behavior<?> root() {
      return checkers.root(checkers::get);
    }

    @Override
    public Optional<Violation> check() {
      return checkers.first(InvariantChecker::check);
    }

    @Override
    public Optional<Violation> atQuiescence() {
      return checkers.first(InvariantChecker::atQuiescence);
    }

    @Override
    public long stateHash() {
      return checkers.stateHash(InvariantChecker::stateHash);
    }
  }

  @Test
  void randomSchedulesOfAHostFindTheSameFirstViolationAtTheSameStep() {
    TdxWorldFactory observed = new TdxWorldFactory(HOST);
    int violations = 0;
    try (DeterministicSystem sys = DeterministicSystem.create("observed-tds-test")) {
      for (long seed = 1; seed <= 12; seed++) {
        ScheduleResult every = run(sys, new EveryTdChecked(), seed);
        ScheduleResult only = run(sys, observed.create(seed), seed);
        assertEquals(every.violation(), only.violation(), "seed " + seed);
        assertEquals(every.steps(), only.steps(), "seed " + seed);
        assertEquals(every.stateHash(), only.stateHash(), "seed " + seed);
        if (!every.ok()) violations++;
      }
    }
    assertTrue(violations > 0, "mut-skip-track broke no TD in 12 random schedules: nothing was compared");
  }

  @Test
  void aWholeHostReplayOfARecordHasTheSameVerdictStepAndHash() {
    Record host;
    try (ParallelSystem sys = ParallelSystem.create("observed-tds-test",
        ParallelSettings.defaults().withThreads(2).withRecording(true))) {
      ParallelResult r = ParallelRunner.run(sys, new TdxParallelWorld(HOST.tds(), HOST.bounds(), true),
          ParallelRunner.Options.until(Duration.ofSeconds(60)));
      host = Records.of(r, "test", ModelVersion.VERSION, new Trace.Scenario(HOST.name(), HOST.source()), MUT,
          HOST.vcpus(), 0, 2);
    }
    assertTrue(host.violation() != null, "mut-skip-track found nothing");
    RecordReplayReport every = RecordReplayer.replay(seed -> new EveryTdChecked(), host);
    RecordReplayReport only = RecordReplayer.replay(new TdxWorldFactory(HOST), host);
    assertTrue(every.reproduced(), every.summary());
    assertEquals(every.summary(), only.summary());
    assertEquals(every.verdict(), only.verdict());
    assertEquals(every.result().stateHash(), only.result().stateHash());
    Trace a = every.violationTrace().orElseThrow();
    Trace b = only.violationTrace().orElseThrow();
    assertEquals(a.decisions().size(), b.decisions().size(), "the first violation at the same delivery");
    assertEquals(a.finalStateHash(), b.finalStateHash());
  }

  private static ScheduleResult run(DeterministicSystem sys, World w, long seed) {
    Strategy s = StrategyKind.RANDOM.create();
    s.reset(seed);
    return sys.run(w, s, Budget.DEFAULT);
  }
}
