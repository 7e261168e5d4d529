package tdxsim.actors.tdx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptShardMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * One S-EPT shard of the sharded TDX module ({@link ShardedTdxModule}): the entries of the 1G regions whose index
 * (from the private range's first 1G boundary) is {@code index} modulo the shard count, with their per-entry
 * locks (TDEL, the HP bit) and ACCEPT_COUNTERs, and the S-EPT side of every operation on them: the walk, the entry
 * lock, the work and the commit ({@link SeptWork}, {@link AcceptSteps}), two steps as in the one-actor module.
 * It takes no TD-wide lock: its front took them before forwarding the op, and releases them when the shard
 * answers. A 1G region's subtree never crosses a shard (the levels above 1G are not modelled).
 *
 * <p>Deterministic: a function of the messages it receives; ops are keyed by the front's op ids.
 */
public final class SeptShard extends AbstractBehavior<SeptShardMsg> {
  /** An op between its two steps: a SEAMCALL holding its entry, or an ACCEPT holding its entry's guest side. */
  private sealed interface Running permits SeamcallRun, AcceptRun {}

  /** {@code asked}: it waits for its front's TDCS reads ({@link SeptShardMsg.SeptEpochs}). */
  private static final class SeamcallRun implements Running {
    final SeptOp op;
    boolean asked;

    SeamcallRun(SeptOp op) {
      this.op = op;
    }
  }

  private static final class AcceptRun implements Running {
    final TdxModuleMsg.TdgMemPageAccept msg;
    final SeptEntry entry;
    boolean interruptPending;

    AcceptRun(TdxModuleMsg.TdgMemPageAccept msg, SeptEntry entry) {
      this.msg = msg;
      this.entry = entry;
    }
  }

  private final ActorRef<TdxModuleMsg> front;
  private final int index;
  private final int shards;
  private final SeptWork work;
  private final AcceptSteps steps;
  private final Map<Long, Running> running = new HashMap<>();
  /** The highest op id forwarded here: interrupts name ops the front forwarded before them (FIFO). */
  private long lastOpId;

  private SeptShard(ActorContext<SeptShardMsg> ctx, ActorRef<TdxModuleMsg> front, int index, int shards,
      SecureEpt ept) {
    super(ctx);
    assert front != null && index >= 0 && index < shards : "shard " + index + " of " + shards;
    this.front = front;
    this.index = index;
    this.shards = shards;
    this.work = new SeptWork(ept);
    this.steps = new AcceptSteps(ept);
  }

  /**
   * Shard {@code index} of {@code shards} over {@code ept} (fresh, or prepared by a test: the actor owns it from
   * then on), answering {@code front}.
   */
  static Behavior<SeptShardMsg> create(SecureEpt ept, ActorRef<TdxModuleMsg> front, int index, int shards) {
    assert ept != null : "a shard without its S-EPT";
    return Behaviors.setup(ctx -> new SeptShard(ctx, front, index, shards, ept));
  }

  /** The shard of {@code gfn}: its 1G region's index from the first 1G boundary, modulo the shard count. */
  public static int of(TdxModuleConfig config, long gfn, int shards) {
    long origin = Level.PG_LEVEL_1G.base(config.privateGfnStart());
    assert gfn >= origin && shards >= 1 : "gfn " + gfn + " below the S-EPT's first 1G region " + origin;
    return (int) (((gfn - origin) / Level.PG_LEVEL_1G.pages()) % shards);
  }

  @Override
  public Receive<SeptShardMsg> createReceive() {
    return newReceiveBuilder()
        .onMessage(SeptShardMsg.SeptGuestWalk.class, this::onGuestWalk)
        .onMessage(SeptShardMsg.SeptContinue.class, this::onContinue)
        .onMessage(SeptShardMsg.SeptSeamcall.class, this::onSeamcall)
        .onMessage(SeptShardMsg.SeptEpochs.class, this::onEpochs)
        .onMessage(SeptShardMsg.SeptAccept.class, this::onAccept)
        .onMessage(SeptShardMsg.SeptInterruptPending.class, this::onInterruptPending)
        .onMessage(SeptShardMsg.SeptHostInterrupt.class, this::onHostInterrupt)
        .onMessage(SeptShardMsg.SeptEpfCheck.class, this::onEpfCheck)
        .build();
  }

  private void owns(long opId, long gfn) {
    assert SeptShard.of(work.ept().config(), gfn, shards) == index : "gfn " + gfn + " sent to shard " + index;
    if (opId <= lastOpId) throw new IllegalStateException("shard " + index + ": op " + opId + " after " + lastOpId);
    lastOpId = opId;
  }

  /** A guest load/store: the hardware walk to its leaf (the front decides what the leaf means). */
  private Behavior<SeptShardMsg> onGuestWalk(SeptShardMsg.SeptGuestWalk m) {
    owns(m.opId(), m.gfn());
    front.tell(new TdxModuleMsg.SeptWalked(m.opId(), work.ept().walkToLeaf(m.gfn()).state()));
    return this;
  }

  /** A host SEAMCALL's walk and entry lock; its work on the next step. */
  private Behavior<SeptShardMsg> onSeamcall(SeptShardMsg.SeptSeamcall m) {
    owns(m.opId(), m.seamcall().gfn());
    SeptOp op = new SeptOp(m.opId(), m.seamcall());
    TdxStatus failed = work.acquireEntry(op);
    if (failed != null) {
      assert !op.entryLocked : op + " failed holding its entry";
      front.tell(new TdxModuleMsg.SeptDone(op.opId, failed));
      return this;
    }
    running.put(op.opId, new SeamcallRun(op));
    getContext().getSelf().tell(new SeptShardMsg.SeptContinue(op.opId));
    return this;
  }

  /** An ACCEPT's walk and guest-side entry lock; its steps follow. */
  private Behavior<SeptShardMsg> onAccept(SeptShardMsg.SeptAccept m) {
    owns(m.opId(), m.accept().gfn());
    AcceptSteps.Result r = steps.walk(m.accept());
    if (r.end() == AcceptSteps.End.WALKED) r = steps.lock(m.opId(), m.accept(), r.entry());
    if (r.end() != AcceptSteps.End.ACQUIRED) {
      acceptDone(m.opId(), r);
      return this;
    }
    running.put(m.opId(), new AcceptRun(m.accept(), r.entry()));
    getContext().getSelf().tell(new SeptShardMsg.SeptContinue(m.opId()));
    return this;
  }

  private Behavior<SeptShardMsg> onContinue(SeptShardMsg.SeptContinue m) {
    Running r = running.get(m.opId());
    if (r == null) throw new IllegalStateException("shard " + index + ": Continue for unknown op " + m.opId());
    if (r instanceof SeamcallRun sc) {
      seamcallWork(sc);
    } else if (r instanceof AcceptRun a) {
      AcceptSteps.Result step = steps.step(m.opId(), a.msg, a.entry, a.interruptPending);
      if (step.end() == AcceptSteps.End.MORE) {
        getContext().getSelf().tell(m); // still holding the entry lock
        return this;
      }
      running.remove(m.opId());
      acceptDone(m.opId(), step);
    }
    return this;
  }

  /**
   * A SEAMCALL's work, its entry held. What it reads of TDCS it asks the front for: BLOCK after writing the blocked
   * entry (BEPOCH), UNBLOCK / REMOVE / DEMOTE / PROMOTE before their checks; the rest reads none of it.
   */
  private void seamcallWork(SeamcallRun sc) {
    assert !sc.asked && sc.op.entry != null : sc.op + " works twice";
    SeamcallLeaf leaf = sc.op.msg.leaf();
    if (leaf == SeamcallLeaf.TDH_MEM_RANGE_BLOCK) {
      SeptWork.Outcome o = work.blockUnstamped(sc.op);
      if (o.wroteEntry()) {
        askEpochs(sc);
      } else {
        seamcallDone(sc.op, o);
      }
    } else if (SeptWork.readsEpochsFirst(leaf)) {
      askEpochs(sc);
    } else {
      seamcallDone(sc.op, work.work(sc.op, EpochView.NONE));
    }
  }

  private void askEpochs(SeamcallRun sc) {
    sc.asked = true;
    front.tell(new TdxModuleMsg.SeptReadEpochs(sc.op.opId));
  }

  /** The front's TDCS reads: BLOCK stamps BEPOCH; the others do their work with them. */
  private Behavior<SeptShardMsg> onEpochs(SeptShardMsg.SeptEpochs m) {
    if (!(running.get(m.opId()) instanceof SeamcallRun sc) || !sc.asked) {
      throw new IllegalStateException("shard " + index + ": TDCS reads for op " + m.opId() + ", which did not ask");
    }
    if (sc.op.msg.leaf() == SeamcallLeaf.TDH_MEM_RANGE_BLOCK) {
      work.stampBepoch(sc.op, m.tdEpoch());
      seamcallDone(sc.op, SeptWork.Outcome.committed());
    } else {
      EpochView v = new EpochView.Snapshot(m.tdEpoch(), m.previousRefcount(), m.trackingRequired());
      seamcallDone(sc.op, work.work(sc.op, v));
    }
    return this;
  }

  private void seamcallDone(SeptOp op, SeptWork.Outcome o) {
    running.remove(op.opId);
    work.releaseEntry(op, o.wroteEntry());
    assert !op.entryLocked : op + " answered holding its entry";
    front.tell(new TdxModuleMsg.SeptDone(op.opId, o.status()));
  }

  private void acceptDone(long opId, AcceptSteps.Result r) {
    assert r.end() == AcceptSteps.End.RETURNED || r.end() == AcceptSteps.End.VIOLATION
        || r.end() == AcceptSteps.End.INTERRUPTED : "op " + opId + " answered " + r;
    front.tell(new TdxModuleMsg.AcceptDone(opId, r.status(), r.end() == AcceptSteps.End.INTERRUPTED));
  }

  /** The ACCEPT's vCPU got an external interrupt: a 2M ACCEPT lets it in at its next step. */
  private Behavior<SeptShardMsg> onInterruptPending(SeptShardMsg.SeptInterruptPending m) {
    if (m.opId() > lastOpId) throw new IllegalStateException("shard " + index + ": interrupt for op " + m.opId());
    if (running.get(m.opId()) instanceof AcceptRun a) a.interruptPending = true; // else it has ended already
    return this;
  }

  /** is_interrupt_pending_host_side becomes true for a SEAMCALL, if it is still running here. */
  private Behavior<SeptShardMsg> onHostInterrupt(SeptShardMsg.SeptHostInterrupt m) {
    if (m.opId() > lastOpId) throw new IllegalStateException("shard " + index + ": interrupt for op " + m.opId());
    if (running.get(m.opId()) instanceof SeamcallRun sc) sc.op.hostInterruptPending = true;
    return this;
  }

  /** is_epf_expected for each gfn, under the tree lock its front holds exclusive. */
  private Behavior<SeptShardMsg> onEpfCheck(SeptShardMsg.SeptEpfCheck m) {
    assert !m.gfns().isEmpty() : "an empty zero-step query for op " + m.opId();
    List<Long> expected = new ArrayList<>(m.gfns().size());
    for (long gfn : m.gfns()) {
      assert SeptShard.of(work.ept().config(), gfn, shards) == index : "gfn " + gfn + " sent to shard " + index;
      if (GuestHandler.epfExpected(work.ept().config(), work.ept().walkToLeaf(gfn).state())) expected.add(gfn);
    }
    front.tell(new TdxModuleMsg.EpfChecked(m.opId(), expected));
    return this;
  }
}
