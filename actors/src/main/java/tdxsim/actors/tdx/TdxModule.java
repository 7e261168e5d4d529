package tdxsim.actors.tdx;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.TdxModuleMsg;

/**
 * The TDX module of one TD, as an actor: the S-EPT state machine, the host SEAMCALLs, the guest's
 * TDG.MEM.PAGE.ACCEPT and memory accesses, TD entry/exit, the module's internal locks (TDR, S-EPT tree,
 * per-entry TDEL/TDHP, epoch) and TLB epochs.
 *
 * <p>Nothing is atomic in time: an operation takes its locks when its request arrives (a contended try-lock
 * answers TDX_OPERAND_BUSY at once) and sends itself {@link TdxModuleMsg.Continue}; the work, the commit, the
 * lock release and the reply happen when that Continue is delivered. Every state change and every completion
 * is reported, synchronously, to the injected {@link Monitor}.
 *
 * <p>Deterministic: a function of the ordered messages it receives. Op ids are minted here in arrival order;
 * all tables are keyed by gfn / op id / vCPU index; no clock, no randomness, no statics with state.
 */
public final class TdxModule extends AbstractBehavior<TdxModuleMsg> {
  private final TdxModuleState state;
  private final SeamcallHandlers seamcalls;
  private final GuestHandler guest;
  private final AcceptHandler accept;

  private TdxModule(ActorContext<TdxModuleMsg> ctx, TdxModuleState state) {
    super(ctx);
    this.state = state;
    Outbox out = outbox(ctx.getSelf(), state);
    this.seamcalls = new SeamcallHandlers(state, out, new SeptWork(state.ept()));
    this.guest = new GuestHandler(state, out);
    this.accept = new AcceptHandler(state, out, guest);
  }

  /** A fresh module: build time (OP_STATE_INITIALIZED), td_epoch 1, the private range's 1G roots present. */
  public static Behavior<TdxModuleMsg> create(TdxModuleConfig config, Monitor monitor) {
    assert config != null && monitor != null : "a TDX module without a config or a monitor";
    return Behaviors.setup(ctx -> new TdxModule(ctx, new TdxModuleState(config, monitor)));
  }

  /**
   * A module over a state prepared by the caller (scenario set-up, tests). The actor owns the state from then
   * on: read it only while the actor is not processing (the deterministic runtime, BehaviorTestKit).
   */
  public static Behavior<TdxModuleMsg> create(TdxModuleState state) {
    assert state != null && state.inFlightCount() == 0 : "a module over a state with ops in flight";
    assert state.invariant();
    return Behaviors.setup(ctx -> new TdxModule(ctx, state));
  }

  private static Outbox outbox(ActorRef<TdxModuleMsg> self, TdxModuleState state) {
    return opId -> {
      assert state.inFlight.containsKey(opId) : "a Continue for op " + opId + " that is not in flight";
      self.tell(new TdxModuleMsg.Continue(opId));
    };
  }

  @Override
  public Receive<TdxModuleMsg> createReceive() {
    // the cases are tested in order: the most frequent messages first
    return newReceiveBuilder()
        .onMessage(TdxModuleMsg.GuestMemAccess.class, m -> {
          guest.onGuestMemAccess(m);
          return this;
        })
        .onMessage(TdxModuleMsg.TdhVpEnter.class, m -> {
          guest.onVpEnter(m);
          return this;
        })
        .onMessage(TdxModuleMsg.ExternalInterrupt.class, m -> {
          guest.onExternalInterrupt(m);
          return this;
        })
        .onMessage(TdxModuleMsg.Continue.class, m -> {
          onContinue(m);
          return this;
        })
        .onMessage(TdxModuleMsg.Seamcall.class, m -> {
          seamcalls.onSeamcall(m);
          return this;
        })
        .onMessage(TdxModuleMsg.TdgMemPageAccept.class, m -> {
          accept.onAccept(m);
          return this;
        })
        .onMessage(TdxModuleMsg.HostInterrupt.class, m -> {
          seamcalls.onHostInterrupt(m.tag());
          return this;
        })
        .build();
  }

  /** The next step of an in-flight op: it still holds every lock it took when its request arrived. */
  private void onContinue(TdxModuleMsg.Continue m) {
    InFlightOp op = state.inFlight.get(m.opId());
    if (op == null) throw new IllegalStateException("Continue for unknown op " + m.opId());
    assert op.opId == m.opId() : "op " + op + " filed under " + m.opId();
    assert op.holds(state);
    if (op instanceof InFlightOp.Seamcall sc) {
      seamcalls.onContinue(sc);
    } else if (op instanceof InFlightOp.Accept a) {
      accept.onContinue(a);
    } else if (op instanceof InFlightOp.VpEnter ve) {
      guest.onContinue(ve);
    } else {
      throw new IllegalStateException("op " + op + " of no known kind");
    }
    assert !state.inFlight.containsKey(m.opId()) || state.inFlight.get(m.opId()).holds(state)
        : "op " + m.opId() + " stays in flight without its locks";
    assert state.invariantAfter(op);
  }
}
