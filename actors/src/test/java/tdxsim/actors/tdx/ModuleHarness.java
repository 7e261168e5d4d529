package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.SeptShardMsg;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxModuleMsg.Caller;
import tdxsim.protocol.TdxStatus;

/**
 * Drives one {@link TdxModule} through Pekko's synchronous {@link BehaviorTestKit}: messages are delivered one
 * at a time, and the module's own {@code Continue}s stay in the self inbox until the test delivers them, so the
 * window between a SEAMCALL's lock acquisition and its work is under the test's control. No timing involved.
 *
 * <p>{@link #sharded} drives a {@link ShardedTdxModule} with one shard the same way: a message's arrival part runs
 * to its end in the front and the shard (TD-wide locks, then the walk and the entry lock), and what the one-actor
 * module does on a {@code Continue} waits: the shard's {@code SeptContinue}, the front's own {@code Continue}, and
 * the zero-step filter's answer ({@code EpfChecked}) while the front holds secure_ept_lock.
 */
final class ModuleHarness {
  /** A 1G-aligned private range of one 1G region. */
  static final long BASE = 0x40000;
  static final long GFN_2M = BASE + 0x200; // a 2M-aligned gfn
  static final long GFN_4K = GFN_2M + 3; // a 4K gfn inside it
  static final long PFN_2M = 0x80000; // a 2M-aligned pfn

  final TdxModuleConfig config;
  final List<Observation> observed = new ArrayList<>();
  final TdxModuleState state;
  final BehaviorTestKit<TdxModuleMsg> kit;
  final TestInbox<SeamcallResult> kvm = TestInbox.create("kvm");
  final List<TestInbox<GuestResult>> vcpus = new ArrayList<>();
  private long tag;
  /** The sharded module's S-EPTs and shards, by shard index (none for the one-actor module). */
  private final List<SecureEpt> shardEpts = new ArrayList<>();
  private final List<BehaviorTestKit<SeptShardMsg>> shards = new ArrayList<>();
  /**
   * What the one-actor module would do on a Continue, held until the test delivers it, oldest first as the
   * one-actor module's self inbox: the front's own messages ({@code shard} -1) and the shards' SeptContinues (a
   * shard's self is its parent's child inbox).
   */
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  private record Held(int shard, Object msg) {}

  ModuleHarness() {
    this(TdxModuleConfig.of(2, BASE, Level.PG_LEVEL_1G.pages()));
  }

  /** A TD whose 1G page tables KVM has already linked (TDH.MEM.SEPT.ADD at 1G, as the first fault does). */
  ModuleHarness(TdxModuleConfig config) {
    this(config, true);
  }

  /** @param link1G false: the TD as created, with only the S-EPT root (every 1G entry FREE) */
  ModuleHarness(TdxModuleConfig config, boolean link1G) {
    this(config, link1G, 0);
  }

  /** The sharded module (a front and one S-EPT shard) over the same TD. */
  static ModuleHarness sharded(TdxModuleConfig config, boolean link1G) {
    return new ModuleHarness(config, link1G, 1);
  }

  /** The sharded module with {@code shards} S-EPT shards (1G region i in shard i modulo their count). */
  static ModuleHarness sharded(TdxModuleConfig config, boolean link1G, int shards) {
    return new ModuleHarness(config, link1G, shards);
  }

  static ModuleHarness sharded() {
    return sharded(TdxModuleConfig.of(2, BASE, Level.PG_LEVEL_1G.pages()), true);
  }

  private ModuleHarness(TdxModuleConfig config, boolean link1G, int shardCount) {
    this.config = config;
    this.state = new TdxModuleState(config, observed::add);
    for (int i = 0; i < shardCount; i++) shardEpts.add(new SecureEpt(config, observed::add));
    this.kit = BehaviorTestKit.create(shardCount > 0 ? ShardedTdxModule.create(state, shardEpts) : TdxModule.create(state));
    for (int i = 0; i < shardCount; i++) shards.add(kit.childTestKit(shardInbox(i).getRef()));
    for (int i = 0; i < config.vcpus(); i++) vcpus.add(TestInbox.create("vcpu" + i));
    if (!link1G) return;
    Level g1 = Level.PG_LEVEL_1G;
    for (long g = g1.base(config.privateGfnStart()); g < config.privateGfnEnd(); g += g1.pages()) {
      assertEquals(TdxStatus.TDX_SUCCESS, call(septAdd(g, g1)));
    }
    observed.clear();
  }

  Caller caller() {
    return new Caller("kvm", kvm.getRef(), ++tag);
  }

  long nextTag() {
    return ++tag;
  }

  /** The S-EPT (the one shard's, in a sharded module of one shard). */
  SecureEpt ept() {
    assert shardEpts.size() <= 1 : "ept() of " + shardEpts.size() + " shards: name a gfn";
    return shardEpts.isEmpty() ? state.ept() : shardEpts.get(0);
  }

  /** The S-EPT that holds {@code gfn}'s entries. */
  SecureEpt ept(long gfn) {
    return shardEpts.isEmpty() ? state.ept() : shardEpts.get(SeptShard.of(config, gfn, shardEpts.size()));
  }

  SeptState stateOf(long gfn, Level level) {
    return ept(gfn).state(gfn, level);
  }

  private TestInbox<SeptShardMsg> shardInbox(int i) {
    return kit.childInbox("sept-" + i);
  }

  // ------------------------------------------------------------------ delivery

  void send(TdxModuleMsg m) {
    kit.run(m);
    settle();
  }

  boolean hasContinue() {
    if (shards.isEmpty()) return kit.selfInbox().hasMessages();
    return !held.isEmpty();
  }

  /** Deliver the oldest pending Continue. */
  void continueOne() {
    assertTrue(hasContinue(), "no Continue pending");
    if (shards.isEmpty()) {
      kit.runOne();
    } else {
      Held h = held.poll();
      if (h.shard() < 0) {
        kit.run((TdxModuleMsg) h.msg());
      } else {
        shards.get(h.shard()).run((SeptShardMsg) h.msg());
      }
    }
    settle();
  }

  /** Sharded: deliver what the front sends the shard and the shard's answers, holding back the work steps. */
  private void settle() {
    if (shards.isEmpty()) return;
    boolean moved = true;
    while (moved) {
      moved = false;
      for (int i = 0; i < shards.size(); i++) {
        for (SeptShardMsg m : shardInbox(i).getAllReceived()) {
          if (m instanceof SeptShardMsg.SeptContinue) {
            held.add(new Held(i, m));
          } else {
            shards.get(i).run(m);
            moved = true;
          }
        }
      }
      for (TdxModuleMsg m : kit.selfInbox().getAllReceived()) {
        if (m instanceof TdxModuleMsg.Continue || m instanceof TdxModuleMsg.EpfChecked) {
          held.add(new Held(-1, m));
        } else {
          kit.run(m);
          moved = true;
        }
      }
    }
  }

  /** Deliver Continues until none is left. */
  void continueAll() {
    while (hasContinue()) continueOne();
  }

  /** Issue a SEAMCALL: its immediate result (lock or check failure), or null if it is in flight. */
  SeamcallResult issue(TdxModuleMsg.Seamcall m) {
    send(m);
    return kvm.hasMessages() ? kvm.receiveMessage() : null;
  }

  /** The result of an in-flight SEAMCALL, after delivering its Continue (and any other pending ones). */
  SeamcallResult result() {
    continueAll();
    assertTrue(kvm.hasMessages(), "no SEAMCALL result");
    return kvm.receiveMessage();
  }

  /** Issue a SEAMCALL and run it to completion. */
  TdxStatus call(TdxModuleMsg.Seamcall m) {
    SeamcallResult r = issue(m);
    if (r == null) r = result();
    assertFalse(kvm.hasMessages(), "more than one SEAMCALL result");
    return r.status();
  }

  // ------------------------------------------------------------------ SEAMCALLs

  TdxModuleMsg.TdhMemPageAug aug(long gfn, Level level, long pfn) {
    return new TdxModuleMsg.TdhMemPageAug(gfn, level, pfn, caller());
  }

  TdxModuleMsg.TdhMemSeptAdd septAdd(long gfn, Level level) {
    return new TdxModuleMsg.TdhMemSeptAdd(gfn, level, 0x1000 + gfn, caller());
  }

  TdxModuleMsg.TdhMemRangeBlock block(long gfn, Level level) {
    return new TdxModuleMsg.TdhMemRangeBlock(gfn, level, caller());
  }

  TdxModuleMsg.TdhMemRangeUnblock unblock(long gfn, Level level) {
    return new TdxModuleMsg.TdhMemRangeUnblock(gfn, level, caller());
  }

  TdxModuleMsg.TdhMemTrack track() {
    return new TdxModuleMsg.TdhMemTrack(caller());
  }

  TdxModuleMsg.TdhMemPageRemove remove(long gfn, Level level) {
    return new TdxModuleMsg.TdhMemPageRemove(gfn, level, caller());
  }

  TdxModuleMsg.TdhMemPageDemote demote(long gfn, Level level) {
    return new TdxModuleMsg.TdhMemPageDemote(gfn, level, 0x2000 + gfn, caller());
  }

  TdxModuleMsg.TdhMemPagePromote promote(long gfn, Level level) {
    return new TdxModuleMsg.TdhMemPagePromote(gfn, level, caller());
  }

  TdxModuleMsg.TdhMemPageAdd pageAdd(long gfn, long pfn) {
    return new TdxModuleMsg.TdhMemPageAdd(gfn, pfn, caller());
  }

  /** TDH.MR.FINALIZE: the TD becomes RUNNABLE. */
  void finalizeTd() {
    assertEquals(TdxStatus.TDX_SUCCESS, call(new TdxModuleMsg.TdhMrFinalize(caller())));
  }

  // ------------------------------------------------------------------ guest

  TestInbox<GuestResult> vcpu(int id) {
    return vcpus.get(id);
  }

  /** TDH.VP.ENTER, run to completion (including a zero-step Continue); returns the module's answer. */
  GuestResult enter(int id) {
    send(new TdxModuleMsg.TdhVpEnter(id, vcpu(id).getRef(), nextTag()));
    continueAll();
    return vcpu(id).receiveMessage();
  }

  void enterOk(int id) {
    assertInstanceOf(GuestResult.TdEntered.class, enter(id));
  }

  TdxModuleMsg.TdgMemPageAccept acceptMsg(int id, long gfn, Level level) {
    return new TdxModuleMsg.TdgMemPageAccept(id, gfn, level, vcpu(id).getRef(), nextTag());
  }

  /** TDG.MEM.PAGE.ACCEPT, run to completion; returns the first thing the vCPU received. */
  GuestResult accept(int id, long gfn, Level level) {
    send(acceptMsg(id, gfn, level));
    continueAll();
    return vcpu(id).receiveMessage();
  }

  GuestResult access(int id, long gfn, boolean write) {
    send(new TdxModuleMsg.GuestMemAccess(id, gfn, write, vcpu(id).getRef(), nextTag()));
    return vcpu(id).receiveMessage();
  }

  /** A kick that makes vCPU {@code id} exit; returns the TdExit. */
  GuestResult.TdExit kick(int id) {
    send(new TdxModuleMsg.ExternalInterrupt(id));
    GuestResult r = vcpu(id).receiveMessage();
    return assertInstanceOf(GuestResult.TdExit.class, r);
  }

  // ------------------------------------------------------------------ checks

  /** No lock is held and nothing is in flight: every operation released what it took. */
  void assertQuiescent() {
    assertEquals(0, state.inFlightCount(), "operations in flight");
    assertTrue(state.tdrLock().isFree(), "TDR lock held: " + state.tdrLock());
    assertTrue(state.septTreeLock().isFree(), "tree lock held: " + state.septTreeLock());
    assertTrue(state.epochs().epochLock().isFree(), "epoch lock held");
    for (SecureEpt ept : shardEpts.isEmpty() ? List.of(state.ept()) : shardEpts) {
      for (SeptEntry e : ept.presentEntries()) assertFalse(e.isLocked(), "entry still locked: " + e);
    }
  }

  <T extends SeptObservation> List<T> observed(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Observation o : observed) if (type.isInstance(o)) out.add(type.cast(o));
    return out;
  }

  SeptObservation.SeamcallCompleted lastCompletion() {
    List<SeptObservation.SeamcallCompleted> l = observed(SeptObservation.SeamcallCompleted.class);
    assertFalse(l.isEmpty(), "no SeamcallCompleted observed");
    SeptObservation.SeamcallCompleted c = l.get(l.size() - 1);
    assertNotNull(c);
    return c;
  }
}
