package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.stress.record.ReceiveOrder;
import tdxsim.stress.record.ReceiveOrders;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordFile;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.runtime.fixtures.LostUpdateWorld;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;

/** Generic record/replay on fixture worlds: a race seen once under threads is reproduced on one thread. */
class ParallelRecordReplayTest {
  private static ParallelSystem system;

  @BeforeAll
  static void start() {
    system = ParallelSystem.create("par-record-test", ParallelSettings.defaults().withThreads(4).withRecording(true));
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static ParallelRunner.Options untilQuiet() {
    return ParallelRunner.Options.until(Duration.ofSeconds(60)).checkingEvery(Duration.ofMillis(1));
  }

  private static Record record(ParallelResult r, long seed) {
    return Records.of(r, "test", "fixture", new Trace.Scenario("order", "seed " + seed), List.of(), 0, seed, 4);
  }

  @Test
  void everyRunsRecordReplaysToTheSameHashAndVerdict(@TempDir Path dir) {
    Set<Long> outcomes = new HashSet<>();
    for (long seed = 1; seed <= 8; seed++) {
      WorldFactory worlds = s -> new OrderWorld(s, 0);
      ParallelResult r = ParallelRunner.run(system, worlds.create(seed), untilQuiet());
      assertEquals(ParallelResult.StopReason.QUIESCENT, r.stoppedBy());
      assertTrue(r.ok(), () -> r.violation().oneLine());
      assertEquals(r.deliveries(), r.orders().deliveries(), "every delivery is in a receive order");
      outcomes.add(r.stateHash());

      Path file = dir.resolve("run-" + seed + ".json");
      RecordFile.write(file, record(r, seed));
      assertTrue(RecordFile.isRecord(file));
      Record back = RecordFile.read(file, "fixture");
      assertEquals(record(r, seed), back, "the file round-trips");

      RecordReplayReport rep = RecordReplayer.replay(worlds, back);
      assertTrue(rep.reproduced(), rep.summary());
      assertEquals(r.stateHash(), rep.result().stateHash());
      assertNull(rep.verdict());
      assertEquals(back.deliveries(), rep.replayed());
    }
    assertTrue(outcomes.size() >= 4, "different seeds, different outcomes: " + outcomes.size());
  }

  @Test
  void aRaceUnderThreadsIsReproducedWithItsVerdict() {
    // two read-modify-write workers on one table: the update is lost when both reads come before either write
    WorldFactory worlds = s -> new LostUpdateWorld(0);
    int lost = 0;
    for (int i = 0; i < 20; i++) {
      ParallelResult r = ParallelRunner.run(system, worlds.create(0), untilQuiet());
      RecordReplayReport rep = RecordReplayer.replay(worlds, record(r, 0));
      assertTrue(rep.reproduced(), rep.summary());
      assertEquals(r.stateHash(), rep.result().stateHash());
      assertEquals(r.ok(), rep.verdict() == null);
      if (!r.ok()) {
        lost++;
        assertEquals("table.lost-update", rep.verdict().invariant());
        assertEquals(r.violation(), rep.verdict());
      }
    }
    System.out.println("lost updates in " + lost + " of 20 parallel runs");
  }

  @Test
  void aTamperedEntryDivergesPrecisely() {
    WorldFactory worlds = s -> new OrderWorld(s, 0);
    ParallelResult r = ParallelRunner.run(system, worlds.create(3), untilQuiet());
    Record rec = record(r, 3);
    // sink-0's fifth message: claim it was another sender's message number 999
    ReceiveOrders o = rec.orders();
    int sink = indexOf(o, "sink-0");
    ReceiveOrder a = o.actors().get(sink);
    long[] ids = a.ids().clone();
    int realSender = a.sender(4);
    ids[4] = ReceiveOrder.pack(realSender, 999);
    List<ReceiveOrder> actors = new java.util.ArrayList<>(o.actors());
    actors.set(sink, new ReceiveOrder(a.actor(), ids, a.times()));
    Record tampered = new Record(rec.toolVersion(), rec.modelVersion(), rec.scenario(), rec.options(), 0, 3, 4,
        rec.elapsedNanos(), rec.stoppedBy(), new ReceiveOrders(o.senders(), actors), rec.violation(),
        rec.finalStateHash());

    RecordReplayReport rep = RecordReplayer.replay(worlds, tampered);
    assertEquals(ReplayReport.Outcome.DIVERGED, rep.outcome(), rep.summary());
    assertEquals("sink-0", rep.divergence().receiver());
    assertEquals(5, rep.divergence().entry());
    assertEquals(o.senders().get(realSender), rep.divergence().expectedSender());
    assertEquals(999, rep.divergence().expectedSenderSeq());
    assertTrue(rep.summary().contains("sink-0's message #5"), rep.summary());
    System.out.println(rep.summary());
  }

  @Test
  void aViolationStopsTheRunAndItsRecordReplaysToATrace(@TempDir Path dir) throws Exception {
    WorldFactory worlds = s -> new OrderWorld(s, 10);
    ParallelResult r = ParallelRunner.run(system, worlds.create(5), untilQuiet());
    assertEquals(ParallelResult.StopReason.VIOLATION, r.stoppedBy());
    assertEquals("fixture.sink-overflow", r.violation().invariant());
    Path file = dir.resolve("violation.json");
    RecordFile.write(file, record(r, 5));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left");
    }
    Record rec = RecordFile.read(file);
    assertNotNull(rec.violation());

    RecordReplayReport rep = RecordReplayer.replay(worlds, rec);
    assertTrue(rep.reproduced(), rep.summary());
    Trace trace = rep.violationTrace().orElseThrow();
    assertEquals(r.violation(), trace.violation());
    ReplayReport again = Replayer.replay(worlds, trace);
    assertTrue(again.reproduced(), again.summary());
    assertFalse(trace.decisions().isEmpty());
  }

  private static int indexOf(ReceiveOrders o, String actor) {
    for (int i = 0; i < o.actors().size(); i++) {
      if (o.actors().get(i).actor().equals(actor)) return i;
    }
    throw new AssertionError("no receive order for " + actor);
  }
}
