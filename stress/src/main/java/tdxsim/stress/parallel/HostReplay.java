package tdxsim.stress.parallel;

import static tdxsim.stress.trace.TraceJson.hex;

import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.Host;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordCut;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.Fnv;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.trace.ReplayReport.Outcome;
import tdxsim.stress.trace.Trace;

/**
 * Replays a record; a host of the generated scenario TD by TD. TDs share nothing, so each TD's cut of the record
 * ({@link RecordCut}) is a complete schedule of that TD, and a world of one TD replays it in a fraction of the time
 * a world of all of them takes.
 * The host's final-state hash is the TDs' hashes mixed in TD order, as the host's checkers hash it, so the
 * comparison stays exact; the verdict is the record's violating TD's, named for that TD, and its trace holds that TD
 * alone. A TD whose replay diverges, or sees a violation the run's periodic checks missed, is reported as such.
 */
public final class HostReplay {
  private HostReplay() {}

  public static RecordReplayReport replay(Record record) {
    Scenario s = Worlds.scenarioOf(record.scenario(), record.options());
    assert s != null : "a host of no TDs";
    assert !s.tds().isEmpty() : "a host of no TDs";
    if (!StressScenario.isSource(record.scenario().source()) || s.tds().size() == 1) {
      return RecordReplayer.replay(Worlds.forRecord(record), record);
    }
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-host-replay")) {
      return replay(system, record, s); // one system for every TD, as explore reuses one for its schedules
    }
  }

  private static RecordReplayReport replay(DeterministicSystem system, Record record, Scenario s) {
    int vtd = RecordCut.tdOf(record.violation());
    assert vtd < s.tds().size() : "violation in TD " + vtd + " of " + s.tds().size();
    assert s.tds().size() > 1 : "violation in TD " + vtd + " of " + s.tds().size();
    long hash = Fnv.OFFSET;
    long replayed = 0;
    RecordReplayReport verdict = null;
    RecordReplayReport last = null;
    for (int td = 0; td < s.tds().size(); td++) {
      Record host = td == vtd ? record : withoutVerdict(record);
      Record cut = RecordCut.toTd(host, td, new Trace.Scenario(s.name(),
          StressScenario.tdSource(record.scenario().source(), td)), s.tds().get(td).vcpus(), 0);
      RecordReplayReport r = RecordReplayer.replay(system, Worlds.forRecord(cut), cut);
      replayed += r.replayed();
      assert r.replayed() >= 0 : "replayed " + replayed + " of " + record.deliveries();
      assert replayed <= record.deliveries() : "replayed " + replayed + " of " + record.deliveries();
      // another TD breaking the same invariant is what a replay of the whole host would call the same verdict
      boolean sameInvariant = r.outcome() == Outcome.VERDICT_DIFFERS && record.violation() != null
          && r.verdict() != null && r.verdict().invariant().equals(record.violation().invariant());
      if (r.outcome() == Outcome.DIVERGED || r.outcome() == Outcome.VERDICT_DIFFERS && !sameInvariant) {
        return new RecordReplayReport(r.outcome(), Host.tdName(td) + ": " + r.summary(), r.divergence(),
            inTd(td, r.verdict()), replayed, r.result(), r.trace());
      }
      hash = Fnv.mix(hash, r.result().stateHash());
      if (td == vtd) verdict = r;
      last = r;
    }
    RecordReplayReport v = verdict != null ? verdict : last;
    assert v != null : "no TD's verdict";
    assert (vtd < 0 || verdict != null) : "no TD's verdict";
    String what = record.violation() == null ? "ok" : record.violation().oneLine();
    if (hash != record.finalStateHash()) {
      return new RecordReplayReport(Outcome.HASH_DIFFERS, "final-state hash differs: record "
          + hex(record.finalStateHash()) + ", replay " + hex(hash) + " after " + replayed + " recorded messages, TD by "
          + "TD", null, inTd(vtd, v.verdict()), replayed, v.result(), v.trace());
    }
    return new RecordReplayReport(Outcome.REPRODUCED, "reproduced exactly, TD by TD (" + s.tds().size() + " TDs): "
        + replayed + " recorded messages in their recorded order, " + what + ", final-state hash " + hex(hash), null,
        inTd(vtd, v.verdict()), replayed, v.result(), v.trace());
  }

  private static Record withoutVerdict(Record r) {
    assert r != null : "withoutVerdict(null)";
    return new Record(r.toolVersion(), r.modelVersion(), r.scenario(), r.options(), r.vcpus(), r.worldSeed(),
        r.threads(), r.elapsedNanos(), r.stoppedBy(), r.orders(), null, r.finalStateHash());
  }

  private static Violation inTd(int td, Violation v) {
    return v == null || td < 0 ? v : Host.inTd(td, v);
  }
}
