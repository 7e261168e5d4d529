package tdxsim.stress.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.minimize.fixtures.NoisyRaceWorld;
import tdxsim.stress.runtime.DeterministicSystem;

class MessageFormatterTest {
  enum Level {
    PG_LEVEL_4K,
    PG_LEVEL_2M
  }

  record Caller(String name, Object replyTo, long tag) {}

  record TdhMemPageAug(long gfn, Level level, long pfn, Caller caller) {}

  record Spte(String kind, long pfn) {}

  record Snapshot(long seq, int inProgress, long rangeStart, long rangeEnd, long pending, long tag) {}

  record CmpxchgSpte(long gfn, Spte expected, Spte newSpte, Object replyTo) {}

  record Leafs(List<Long> gfns, List<Spte> leafs) {}

  record Misc(String error, Optional<String> why, Optional<Long> startGfn, boolean ok, double ratio) {}

  record Peers(Object replyTo, long tag) {}

  record Wire(Peers peers) {}

  record Empty() {}

  record PeerList(List<Object> vcpus, Object mmu) {}

  record Wired(long id, PeerList peers) {}

  record Fault(long gfn, String error) {}

  private static String f(Object o) {
    return MessageFormatter.DEFAULT.format(o);
  }

  @Test
  void aSeamcallReadsTheWayTheListWritesIt() {
    assertEquals(
        "TdhMemPageAug gfn=0x200 PG_LEVEL_2M pfn=0x8000",
        f(new TdhMemPageAug(0x200, Level.PG_LEVEL_2M, 0x8000, new Caller("vcpu-0", null, 3))));
  }

  @Test
  void addressFieldsAreHexByTheirWordsAndTheRestDecimal() {
    assertEquals("Snapshot seq=7 inProgress=1 rangeStart=0x200 rangeEnd=0x400 pending=12",
        f(new Snapshot(7, 1, 0x200, 0x400, 12, 99)));
  }

  @Test
  void nestedRecordsListsAndOptionals() {
    assertEquals("CmpxchgSpte gfn=0x1ff expected=Spte(kind=FROZEN pfn=0x10) newSpte=Spte(kind=LEAF pfn=0x20)",
        f(new CmpxchgSpte(0x1ff, new Spte("FROZEN", 0x10), new Spte("LEAF", 0x20), "ref")));
    assertEquals("Leafs gfns=[0x1,0x2,0x3,0x4,..+2] leafs=[Spte(kind=A pfn=0x1)]",
        f(new Leafs(List.of(1L, 2L, 3L, 4L, 5L, 6L), List.of(new Spte("A", 1)))));
    assertEquals("Misc error=\"no memory\" why=- startGfn=0x10 ok=true ratio=0.5",
        f(new Misc("no memory", Optional.empty(), Optional.of(16L), true, 0.5)));
  }

  @Test
  void plumbingDisappearsEvenWhenItIsAllThereIs() {
    assertEquals("Wire", f(new Wire(new Peers("ref", 1))));
    assertEquals("Empty", f(new Empty()));
    assertEquals("Fault gfn=0x10", f(new Fault(0x10, null)));
    assertEquals("PG_LEVEL_4K", f(Level.PG_LEVEL_4K));
    assertEquals("hello", f("hello"));
  }

  @Test
  void realActorRefsAreLeftOut() {
    try (DeterministicSystem system = DeterministicSystem.create("formatter-test")) {
      RecordedRun run = RecordedRun.replay(system, FixtureTraces.NOISY_RACE, FixtureTraces.noisyRace(system));
      Object get =
          run.steps().stream().map(RecordedStep::message).filter(m -> m instanceof NoisyRaceWorld.Get).findFirst()
              .orElseThrow();
      assertEquals("Get gfn=0x200 PG_LEVEL_2M", f(get));
      Object ref = ((NoisyRaceWorld.Get) get).replyTo();
      assertEquals("Wired id=1", f(new Wired(1, new PeerList(List.of(ref, ref), ref))));
      assertEquals("PeerList vcpus=[1,2]", f(new PeerList(List.of(1L, ref, 2L), null)));
    }
  }
}
