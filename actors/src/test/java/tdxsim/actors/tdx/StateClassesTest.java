package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.protocol.Level.PG_LEVEL_1G;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.Level.PG_LEVEL_4K;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation.SeptEntryChanged;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;

/** Plain unit tests of the state classes, without an actor. */
class StateClassesTest {
  private static final long BASE = 0x40000;

  @Test
  void aTdStartsWithOnlyTheRootEvery1gEntryIsFreeUntilSeptAdd() {
    List<Observation> seen = new ArrayList<>();
    // 0x3fe00 .. 0x40200: touches two 1G regions
    SecureEpt ept = new SecureEpt(TdxModuleConfig.of(1, BASE - 0x200, 0x400), seen::add);
    assertEquals(SeptState.FREE, ept.state(0, PG_LEVEL_1G));
    assertEquals(SeptState.FREE, ept.state(BASE, PG_LEVEL_1G));
    assertEquals(List.of(), seen);
    assertEquals(PG_LEVEL_1G, ept.walk(BASE + 5, PG_LEVEL_4K).level(), "the walk stops at the missing 1G table");
    ept.septAdd(ept.entry(BASE, PG_LEVEL_1G), 0x99);
    assertEquals(List.of(new SeptEntryChanged(BASE, PG_LEVEL_1G, SeptState.FREE, SeptState.NL_MAPPED)), seen);
    assertEquals(PG_LEVEL_2M, ept.walk(BASE + 5, PG_LEVEL_4K).level());
  }

  @Test
  void theWalkStopsAtTheLevelAtALeafOrAtANonPresentEntry() {
    SecureEpt ept = new SecureEpt(TdxModuleConfig.of(1, BASE, PG_LEVEL_1G.pages()), o -> {});
    ept.septAdd(ept.entry(BASE, PG_LEVEL_1G), 0x99);
    long g2 = BASE + 0x400;
    assertEquals(PG_LEVEL_2M, ept.walk(g2 + 5, PG_LEVEL_4K).level(), "FREE 2M: missing non-leaf");
    ept.seed(g2, PG_LEVEL_2M, SeptState.NL_MAPPED, 1, 0);
    assertEquals(PG_LEVEL_4K, ept.walk(g2 + 5, PG_LEVEL_4K).level());
    assertEquals(PG_LEVEL_2M, ept.walk(g2 + 5, PG_LEVEL_2M).level());
    ept.seed(g2, PG_LEVEL_2M, SeptState.NL_BLOCKED, 1, 0);
    assertEquals(PG_LEVEL_2M, ept.walk(g2 + 5, PG_LEVEL_4K).level(), "NL_BLOCKED has RWX = 0");
    ept.seed(g2, PG_LEVEL_2M, SeptState.PENDING, 0x200, 0);
    SecureEpt.Walk w = ept.walk(g2 + 5, PG_LEVEL_4K);
    assertEquals(PG_LEVEL_2M, w.level());
    assertEquals(SeptState.PENDING, w.state());
    assertSame(ept.entry(g2 + 7, PG_LEVEL_2M), w.entry(), "one entry per (level-aligned gfn, level)");
  }

  @Test
  void demoteAndPromoteAreInverseAndFingerprintIsDeterministic() {
    List<Observation> seen = new ArrayList<>();
    SecureEpt ept = new SecureEpt(TdxModuleConfig.of(1, BASE, PG_LEVEL_1G.pages()), seen::add);
    ept.septAdd(ept.entry(BASE, PG_LEVEL_1G), 0x99);
    long g2 = BASE + 0x200;
    ept.seed(g2, PG_LEVEL_2M, SeptState.PENDING_BLOCKED, 0x1000, 3);
    String before = ept.fingerprint();
    SeptEntry e = ept.entry(g2, PG_LEVEL_2M);
    ept.demote(e, 0x77);
    assertEquals(SeptState.NL_MAPPED, e.state());
    assertEquals(513, ept.presentEntries().size() - 1, "1G root + 2M non-leaf + 512 children");
    assertEquals(SeptState.PENDING, ept.state(g2 + 511, PG_LEVEL_4K));
    assertEquals(0x1000 + 511, ept.entry(g2 + 511, PG_LEVEL_4K).pfn());
    ept.promote(e, ept.children(e));
    assertEquals(SeptState.PENDING, e.state());
    assertEquals(0x1000, e.pfn());
    assertEquals(2, ept.presentEntries().size());
    assertEquals(before.replace("PENDING_BLOCKED", "PENDING"), ept.fingerprint());
  }

  @Test
  void entryLockAndHostPriority() {
    SeptEntry e = new SeptEntry(0x200, PG_LEVEL_2M);
    assertThrows(IllegalArgumentException.class, () -> new SeptEntry(0x201, PG_LEVEL_2M));
    assertTrue(e.tryLockHost(1));
    assertFalse(e.tryLockHost(2));
    assertTrue(e.hostPriority(), "failed host acquisition sets HP");
    assertEquals(SeptEntry.GuestLock.BUSY, e.tryLockGuest(3), "held lock: plain BUSY even with HP");
    e.unlock(1, false);
    assertTrue(e.hostPriority());
    assertEquals(SeptEntry.GuestLock.BUSY_HOST_PRIORITY, e.tryLockGuest(3));
    assertFalse(e.isLocked(), "the guest backs off");
    assertTrue(e.tryLockHost(2));
    assertFalse(e.hostPriority(), "successful host acquisition clears HP");
    e.unlock(2, true);
    assertEquals(SeptEntry.GuestLock.ACQUIRED, e.tryLockGuest(3));
    assertThrows(IllegalStateException.class, () -> e.unlock(4, false));
  }

  @Test
  void sharexLockIsTryOnly() {
    SharexLock l = new SharexLock("t");
    assertTrue(l.tryShared());
    assertTrue(l.tryShared());
    assertFalse(l.tryExclusive());
    l.releaseShared();
    l.releaseShared();
    assertTrue(l.tryExclusive());
    assertFalse(l.tryShared());
    assertFalse(l.tryExclusive());
    l.releaseExclusive();
    assertTrue(l.isFree());
    assertThrows(IllegalStateException.class, l::releaseExclusive);
  }

  @Test
  void isTlbTracked() {
    TlbEpochs t = new TlbEpochs();
    long v = t.countIn(); // a vCPU in epoch 1
    assertEquals(1, v);
    long bepoch = t.tdEpoch(); // BLOCK at 1
    assertFalse(t.isTlbTracked(bepoch), "no TRACK yet");
    assertFalse(t.previousEpochBusy());
    t.advance(); // TRACK: 2
    assertFalse(t.isTlbTracked(bepoch), "a vCPU is still counted in BEPOCH");
    assertTrue(t.previousEpochBusy());
    t.countOut(v);
    assertTrue(t.isTlbTracked(bepoch), "BEPOCH == td_epoch - 1, REFCOUNT 0");
    t.advance(); // 3
    assertTrue(t.isTlbTracked(bepoch), "BEPOCH < td_epoch - 1");
    assertFalse(t.isTlbTracked(t.tdEpoch()));
    assertThrows(IllegalStateException.class, () -> t.countOut(3));
  }

  @Test
  void zeroStepLogFollowsTdExitEpfSteppingLog() {
    VcpuContext v = new VcpuContext(0);
    for (int i = 0; i < 3; i++) v.logEpf(0x10, 3);
    assertTrue(v.zeroStepList().isEmpty());
    v.logEpf(0x10, 3);
    v.logEpf(0x10, 3);
    v.logEpf(0x11, 3);
    assertEquals(List.of(0x10L, 0x11L), v.zeroStepList(), "each gfn once, in order");
    for (long g = 0x100; g < 0x200; g++) v.logEpf(g, 3);
    assertEquals(TdxModuleConfig.EPF_GPA_LIST_SIZE, v.zeroStepList().size());
    v.resetEpfTrackingIfProgress();
    assertEquals(TdxModuleConfig.EPF_GPA_LIST_SIZE, v.zeroStepList().size(), "no progress, no reset");
    v.progressSinceEntry = true;
    v.resetEpfTrackingIfProgress();
    assertTrue(v.zeroStepList().isEmpty());
    assertEquals(0, v.possiblyEpfStepping());
  }

  @Test
  void lookupTableRowsMatchTheModule() {
    // Spot checks against seamcall_sept_state_lookup rows 15 (DEMOTE) and 29 (REMOVE) [TDXM sept_state_lookup.c]
    assertTrue(SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, SeptState.PENDING_BLOCKED));
    assertFalse(SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, SeptState.BLOCKEDW));
    assertTrue(SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, SeptState.PENDING_BLOCKEDW));
    assertFalse(SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, SeptState.NL_MAPPED));
    assertThrows(IllegalArgumentException.class,
        () -> SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_TRACK, SeptState.FREE));
    assertThrows(IllegalArgumentException.class, () -> new TdxModuleConfig(1, 0, 1, true, false, 6, 0));
    assertEquals(PG_LEVEL_4K, SeptRules.maxLevel(SeamcallLeaf.TDH_MEM_PAGE_ADD));
  }
}
