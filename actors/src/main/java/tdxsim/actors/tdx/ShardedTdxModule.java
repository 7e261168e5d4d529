package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_OPERAND_INVALID;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptShardMsg;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.TdxModuleMsg;

/**
 * The TDX module of one TD, sharded: this actor (the front, named like the one-actor module) owns the TD-wide state
 * (TDR and TDCS: the TDR lock, secure_ept_lock, OP_STATE, td_epoch, the REFCOUNTs and the epoch lock, the
 * lifecycle; TDVPS: every vCPU's context), and one {@link SeptShard} child per 1G region owns the S-EPT entries.
 * Callers see the same protocol as {@link TdxModule}'s.
 *
 * <p>Each operation keeps the module's order, split at the point where it leaves TD-wide state for an entry:
 * <ul>
 *   <li>a host SEAMCALL takes its TD-wide try-locks here (TDX_OPERAND_BUSY at once on contention) and is forwarded;
 *       the shard walks, takes the entry lock (BUSY, setting HP), works on its next step and answers; the TD-wide
 *       locks are released here, then the caller gets its status, so no caller sees a lock its own previous
 *       SEAMCALL still held;</li>
 *   <li>a guest access or ACCEPT is checked against its vCPU here and forwarded; until the shard answers it is the
 *       vCPU's guest op, so an external interrupt meanwhile is taken after it (as after a TDCALL) and a 2M ACCEPT
 *       in its shard hears of it before its next step; the TD exit and the REFCOUNT are done here;</li>
 *   <li>TDH.VP.ENTER's zero-step filter holds secure_ept_lock exclusive here while the shards walk the listed gfns.</li>
 * </ul>
 * What a SEAMCALL's work reads of TDCS (td_epoch, the REFCOUNTs, OP_STATE) the shard asks the front for while it
 * holds the entry ({@link TdxModuleMsg.SeptReadEpochs}), where the module reads it: BLOCK after it wrote the
 * blocked entry (then BEPOCH), UNBLOCK, REMOVE, DEMOTE and PROMOTE before their checks [TDXM tdh_mem_range_block.c,
 * tdh_mem_page_remove.c]: two messages more for those. Fault injection that counts calls
 * ({@link TdxModuleConfig#failPageRemove()}) counts per shard.
 */
public final class ShardedTdxModule extends AbstractBehavior<TdxModuleMsg> {
  private final TdxModuleState state;
  private final SeamcallHandlers seamcalls;
  private final GuestHandler guest;
  private final AcceptHandler accept;
  private final List<ActorRef<SeptShardMsg>> shards;
  /** TDH.VP.ENTER ops whose zero-step walks are out: the shards yet to answer, and the gfns that would fault. */
  private final Map<Long, EpfGather> epf = new HashMap<>();

  private static final class EpfGather {
    int awaiting;
    final List<Long> expected = new ArrayList<>();
  }

  private ShardedTdxModule(ActorContext<TdxModuleMsg> ctx, TdxModuleState state, List<SecureEpt> epts) {
    super(ctx);
    this.state = state;
    int n = epts.size();
    List<ActorRef<SeptShardMsg>> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) l.add(ctx.spawn(SeptShard.create(epts.get(i), ctx.getSelf(), i, n), "sept-" + i));
    this.shards = List.copyOf(l);
    Outbox out = this::continueLater;
    this.seamcalls = new SeamcallHandlers(state, out, null);
    this.guest = new GuestHandler(state, out);
    this.accept = new AcceptHandler(state, out, guest);
    assert !shards.isEmpty() && state.inFlightCount() == 0 : "a sharded module without shards";
  }

  /** A fresh module, as {@link TdxModule#create(TdxModuleConfig, Monitor)}, with one shard per 1G region. */
  public static Behavior<TdxModuleMsg> create(TdxModuleConfig config, Monitor monitor) {
    assert config != null && monitor != null : "a TDX module without a config or a monitor";
    return Behaviors.setup(ctx -> {
      List<SecureEpt> epts = new ArrayList<>();
      for (int i = 0; i < regions(config); i++) epts.add(new SecureEpt(config, monitor));
      return new ShardedTdxModule(ctx, new TdxModuleState(config, monitor), epts);
    });
  }

  /**
   * A module over states prepared by the caller (tests): the front's TD-wide state, and one S-EPT per shard (gfns
   * go to shard (1G region index) modulo their count). The actors own them from then on.
   */
  static Behavior<TdxModuleMsg> create(TdxModuleState state, List<SecureEpt> epts) {
    assert state != null && state.inFlightCount() == 0 && !epts.isEmpty() : "a module over a busy state";
    return Behaviors.setup(ctx -> new ShardedTdxModule(ctx, state, List.copyOf(epts)));
  }

  /** The 1G regions the private range touches: the shard count. */
  public static int regions(TdxModuleConfig c) {
    long origin = Level.PG_LEVEL_1G.base(c.privateGfnStart());
    long pages = Level.PG_LEVEL_1G.pages();
    int n = (int) ((c.privateGfnEnd() - origin + pages - 1) / pages);
    assert n >= 1 && SeptShard.of(c, c.privateGfnEnd() - 1, n) == n - 1 : n + " regions for " + c;
    return n;
  }

  private ActorRef<SeptShardMsg> shard(long gfn) {
    return shards.get(SeptShard.of(state.config(), gfn, shards.size()));
  }

  /** Where an op continues: an S-EPT SEAMCALL in its shard, a zero-step filter in the shards of its gfns. */
  private void continueLater(long opId) {
    InFlightOp op = state.inFlight.get(opId);
    assert op != null : "op " + opId + " continues but is not in flight";
    if (op instanceof InFlightOp.Seamcall sc && sc.needsEntry()) {
      shard(sc.msg.gfn()).tell(new SeptShardMsg.SeptSeamcall(opId, sc.msg));
    } else if (op instanceof InFlightOp.VpEnter ve) {
      askZeroStep(ve);
    } else {
      getContext().getSelf().tell(new TdxModuleMsg.Continue(opId));
    }
  }

  /** td_entry_stepping_filter: the listed private gfns' walks go to their shards; shared gfns always fault. */
  private void askZeroStep(InFlightOp.VpEnter ve) {
    assert state.septTreeLock().isExclusive() : "the zero-step filter without secure_ept_lock exclusive";
    Map<Integer, List<Long>> byShard = new TreeMap<>();
    for (long gfn : state.vcpu(ve.msg.vcpu()).zeroStepList()) {
      if (!state.config().isPrivate(gfn)) continue;
      byShard.computeIfAbsent(SeptShard.of(state.config(), gfn, shards.size()), k -> new ArrayList<>()).add(gfn);
    }
    EpfGather g = new EpfGather();
    g.awaiting = byShard.size();
    epf.put(ve.opId, g);
    for (Map.Entry<Integer, List<Long>> e : byShard.entrySet()) {
      shards.get(e.getKey()).tell(new SeptShardMsg.SeptEpfCheck(ve.opId, e.getValue()));
    }
    if (g.awaiting == 0) getContext().getSelf().tell(new TdxModuleMsg.Continue(ve.opId));
  }

  @Override
  public Receive<TdxModuleMsg> createReceive() {
    return newReceiveBuilder()
        .onMessage(TdxModuleMsg.GuestMemAccess.class, this::onGuestMemAccess)
        .onMessage(TdxModuleMsg.SeptWalked.class, this::onWalked)
        .onMessage(TdxModuleMsg.TdhVpEnter.class, m -> {
          guest.onVpEnter(m);
          return this;
        })
        .onMessage(TdxModuleMsg.ExternalInterrupt.class, this::onExternalInterrupt)
        .onMessage(TdxModuleMsg.SeptReadEpochs.class, this::onReadEpochs)
        .onMessage(TdxModuleMsg.SeptDone.class, m -> {
          seamcalls.onSeptDone((InFlightOp.Seamcall) inFlight(m.opId()), m.status());
          return this;
        })
        .onMessage(TdxModuleMsg.Seamcall.class, m -> {
          seamcalls.onSeamcall(m);
          return this;
        })
        .onMessage(TdxModuleMsg.TdgMemPageAccept.class, this::onAccept)
        .onMessage(TdxModuleMsg.AcceptDone.class, this::onAcceptDone)
        .onMessage(TdxModuleMsg.Continue.class, this::onContinue)
        .onMessage(TdxModuleMsg.EpfChecked.class, this::onEpfChecked)
        .onMessage(TdxModuleMsg.HostInterrupt.class, this::onHostInterrupt)
        .build();
  }

  private InFlightOp inFlight(long opId) {
    InFlightOp op = state.inFlight.get(opId);
    if (op == null) throw new IllegalStateException("a shard answered op " + opId + ", which is not in flight");
    assert op.holds(state);
    return op;
  }

  /** A SEAMCALL that holds its entry in its shard reads TDCS.epoch_tracking and OP_STATE, now. */
  private Behavior<TdxModuleMsg> onReadEpochs(TdxModuleMsg.SeptReadEpochs m) {
    InFlightOp.Seamcall sc = (InFlightOp.Seamcall) inFlight(m.opId());
    assert sc.needsEntry() && sc.tdrLock != InFlightOp.Hold.NONE : sc + " reads TDCS without the TDR lock";
    EpochView.Snapshot e = state.epochSnapshot();
    shard(sc.msg.gfn()).tell(new SeptShardMsg.SeptEpochs(m.opId(), e.tdEpoch(), e.previousRefcount(),
        e.trackingRequired()));
    return this;
  }

  private Behavior<TdxModuleMsg> onGuestMemAccess(TdxModuleMsg.GuestMemAccess m) {
    VcpuContext v = state.vcpu(m.vcpu());
    if (!v.inGuest()) return this; // a kick took it out first; its TdExit is on its way
    guest.requireNoGuestOp(v, m);
    if (!state.config().isPrivate(m.gfn())) {
      guest.accessWalked(v, m, SeptState.FREE); // a shared gfn: no S-EPT walk
      return this;
    }
    toShard(v, m, m.gfn()).tell(new SeptShardMsg.SeptGuestWalk(v.guestOp, m.gfn()));
    return this;
  }

  private Behavior<TdxModuleMsg> onAccept(TdxModuleMsg.TdgMemPageAccept m) {
    VcpuContext v = state.vcpu(m.vcpu());
    if (!v.inGuest()) return this; // taken out of the guest before it executed the TDCALL
    guest.requireNoGuestOp(v, m);
    assert !v.interruptPending && v.invariant() : "an interrupt deferred with no TDCALL executing: " + v;
    if (!AcceptSteps.operandsValid(state.config(), m)) {
      guest.tdcallReturned(v, m, TDX_OPERAND_INVALID);
      return this;
    }
    toShard(v, m, m.gfn()).tell(new SeptShardMsg.SeptAccept(v.guestOp, m));
    return this;
  }

  /** The guest op becomes the vCPU's op in flight until its shard answers. */
  private ActorRef<SeptShardMsg> toShard(VcpuContext v, TdxModuleMsg m, long gfn) {
    InFlightOp.InShard op = new InFlightOp.InShard(state.mintOpId(), m, v.id());
    state.inFlight.put(op.opId, op);
    v.guestOp = op.opId;
    assert op.holds(state) && state.invariantAfter(op);
    return shard(gfn);
  }

  /** The vCPU's guest op ended in its shard: it is no longer in flight. */
  private InFlightOp.InShard guestOpEnded(long opId) {
    InFlightOp.InShard op = (InFlightOp.InShard) inFlight(opId);
    VcpuContext v = state.vcpu(op.vcpu);
    assert v.inGuest() && v.guestOp == opId : op + " ended on " + v;
    state.inFlight.remove(opId);
    v.guestOp = -1;
    return op;
  }

  private Behavior<TdxModuleMsg> onWalked(TdxModuleMsg.SeptWalked m) {
    InFlightOp.InShard op = guestOpEnded(m.opId());
    VcpuContext v = state.vcpu(op.vcpu);
    boolean interrupted = v.interruptPending;
    v.interruptPending = false;
    guest.accessWalked(v, (TdxModuleMsg.GuestMemAccess) op.msg, m.state());
    if (interrupted && v.inGuest()) guest.onExternalInterrupt(new TdxModuleMsg.ExternalInterrupt(v.id()));
    return this;
  }

  private Behavior<TdxModuleMsg> onAcceptDone(TdxModuleMsg.AcceptDone m) {
    InFlightOp.InShard op = guestOpEnded(m.opId());
    AcceptSteps.End end = m.returned() != null ? AcceptSteps.End.RETURNED
        : m.interrupted() ? AcceptSteps.End.INTERRUPTED : AcceptSteps.End.VIOLATION;
    accept.end(state.vcpu(op.vcpu), (TdxModuleMsg.TdgMemPageAccept) op.msg, end, m.returned());
    return this;
  }

  /** A kick: as in the one-actor module; an ACCEPT in its shard is told, to stop at its next step. */
  private Behavior<TdxModuleMsg> onExternalInterrupt(TdxModuleMsg.ExternalInterrupt m) {
    guest.onExternalInterrupt(m);
    VcpuContext v = state.vcpu(m.vcpu());
    if (v.inGuest() && state.inFlight.get(v.guestOp) instanceof InFlightOp.InShard op
        && op.msg instanceof TdxModuleMsg.TdgMemPageAccept a) {
      assert v.interruptPending : v + ": an interrupt during its ACCEPT was not deferred";
      shard(a.gfn()).tell(new SeptShardMsg.SeptInterruptPending(op.opId));
    }
    return this;
  }

  private Behavior<TdxModuleMsg> onHostInterrupt(TdxModuleMsg.HostInterrupt m) {
    for (InFlightOp.Seamcall sc : seamcalls.onHostInterrupt(m.tag())) {
      if (sc.needsEntry()) shard(sc.msg.gfn()).tell(new SeptShardMsg.SeptHostInterrupt(sc.opId));
    }
    return this;
  }

  private Behavior<TdxModuleMsg> onEpfChecked(TdxModuleMsg.EpfChecked m) {
    EpfGather g = epf.get(m.opId());
    if (g == null || g.awaiting <= 0) throw new IllegalStateException("zero-step answer for op " + m.opId());
    g.expected.addAll(m.expected());
    if (--g.awaiting == 0) filter((InFlightOp.VpEnter) inFlight(m.opId()));
    return this;
  }

  /** TDH.MEM.TRACK, TDH.MR.FINALIZE, or a zero-step filter none of whose gfns is private. */
  private Behavior<TdxModuleMsg> onContinue(TdxModuleMsg.Continue m) {
    InFlightOp op = inFlight(m.opId());
    if (op instanceof InFlightOp.Seamcall sc) {
      seamcalls.onContinue(sc);
    } else if (op instanceof InFlightOp.VpEnter ve) {
      filter(ve);
    } else {
      throw new IllegalStateException("the front continued " + op + ", which its shard runs");
    }
    return this;
  }

  private void filter(InFlightOp.VpEnter ve) {
    EpfGather g = epf.remove(ve.opId);
    assert g != null && g.awaiting == 0 : ve + " filtered before its shards answered";
    guest.zeroStepFilter(ve, gfn -> !state.config().isPrivate(gfn) || g.expected.contains(gfn));
  }
}
