package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.record.RecordReplayer;
import tdxsim.stress.runtime.RuntimeViolations;
import tdxsim.stress.runtime.fixtures.EndlessWorld;
import tdxsim.stress.runtime.fixtures.FailingWorld;
import tdxsim.stress.runtime.fixtures.PingPongWorld;
import tdxsim.stress.trace.Trace;

/** The parallel runtime itself: cuts, quiescence, failures, stop requests; with and without recording. */
class ParallelRuntimeTest {
  private static ParallelSystem plain;
  private static ParallelSystem recording;

  @BeforeAll
  static void start() {
    plain = ParallelSystem.create("par-plain", ParallelSettings.defaults().withThreads(3));
    recording = ParallelSystem.create("par-rec", ParallelSettings.defaults().withThreads(3).withRecording(true));
  }

  @AfterAll
  static void stop() {
    plain.close();
    recording.close();
  }

  private static ParallelRunner.Options quick() {
    return ParallelRunner.Options.until(Duration.ofSeconds(60)).checkingEvery(Duration.ofMillis(1));
  }

  @Test
  void aFiniteWorldEndsQuiescentWithEveryMessageDelivered() {
    for (ParallelSystem sys : List.of(plain, recording)) {
      PingPongWorld w = new PingPongWorld(5_000);
      ParallelResult r = ParallelRunner.run(sys, w, quick());
      assertEquals(ParallelResult.StopReason.QUIESCENT, r.stoppedBy());
      assertNull(r.violation(), "atQuiescence: every round done");
      assertEquals(10_000, w.deliveries());
      assertEquals(10_000, r.deliveries(), "the runtime's count");
      assertEquals(sys == recording, r.orders() != null);
    }
  }

  @Test
  void aCutIsConsistentAndStable() {
    ParallelRun run = plain.start(new EndlessWorld(EndlessWorld.Mode.MESSAGES));
    run.pause();
    long a = run.deliveries();
    long b = run.deliveries();
    assertEquals(a, b, "nothing runs while paused");
    assertTrue(!run.quiescent(), "the endless actor has its next message waiting");
    run.resume();
    run.pause();
    run.finish();
    assertTrue(run.isOver());
  }

  @Test
  void anActorThatThrowsIsAViolation() {
    ParallelResult r = ParallelRunner.run(plain, new FailingWorld(), quick());
    assertEquals(ParallelResult.StopReason.VIOLATION, r.stoppedBy());
    assertEquals(RuntimeViolations.ACTOR_FAILURE, r.violation().invariant());
    assertEquals(List.of("bomb"), r.violation().actors());
  }

  @Test
  void aStopRequestEndsTheRunAtACutThatStillReplays() {
    AtomicInteger polls = new AtomicInteger();
    ParallelResult r = ParallelRunner.run(recording, new EndlessWorld(EndlessWorld.Mode.MESSAGES),
        quick().stoppingWhen(() -> polls.incrementAndGet() > 20));
    assertEquals(ParallelResult.StopReason.INTERRUPTED, r.stoppedBy());
    assertTrue(r.deliveries() > 0);
    Record rec = Records.of(r, "test", "fixture", new Trace.Scenario("endless", "endless"), List.of(), 0, 0, 3);
    RecordReplayReport rep = RecordReplayer.replay(s -> new EndlessWorld(EndlessWorld.Mode.MESSAGES), rec);
    assertTrue(rep.reproduced(), rep.summary());
    assertEquals(r.deliveries(), rep.replayed());
  }

  @Test
  void severalWorldsRunOneAfterAnotherOnOneSystem() {
    for (int i = 0; i < 5; i++) {
      ParallelResult r = ParallelRunner.run(recording, new PingPongWorld(100), quick());
      assertEquals(200, r.orders().deliveries(), "each world's record is its own");
      assertEquals(List.of("external", "timer", "(outside the world)", "world", "pong", "ping"),
          r.orders().senders());
    }
  }
}
