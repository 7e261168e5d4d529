package tdxsim.actors.vcpu;

import java.util.Collection;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ExtensibleBehavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.kvm.AwaitWire;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.VcpuWorkloadDone;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Observation;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.PfResult;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;
import tdxsim.protocol.VmmMsg;

/**
 * A vCPU: the guest running its workload in TD non-root mode, and the KVM vCPU thread around it (vcpu_run,
 * TDH.VP.ENTER, TD-exit handling, the fault flow, KVM requests).
 *
 * <p>Run loop: outside the guest it enters with TDH.VP.ENTER unless kvm_tdx->wait_for_sept_zap is set
 * (tdx_vcpu_run returns EXIT_FASTPATH_EXIT_HANDLED and it tries again once the flag is cleared). In the guest it
 * issues one guest operation at a time (ACCEPT, a store) and takes TD exits: an EPT violation runs
 * tdx_handle_ept_violation ({@link EptViolationHandler}); an external interrupt returns to the loop. A guest
 * MapGPA (TDG.VP.VMCALL) exits to the VMM and resumes when the VMM completes it; KVM_PRE_FAULT_MEMORY runs on
 * the host side, outside KVM_RUN.
 * Kicks: {@link VcpuKicks}.
 */
public final class Vcpu extends ExtensibleBehavior<VcpuMsg> {
  private enum Mode { IDLE, OUTSIDE, ENTERING, IN_GUEST, HALTED }

  private final int id;
  private final KvmContext kvm;
  private final GuestProgram guest;
  private final EptViolationHandler ept;
  private final MemslotView slots;
  private final MapGpaCall mapGpa;
  private final PendingEvents events;
  private final Monitor monitor;
  private final VcpuKicks kicks;
  private ActorRef<GuestResult> selfGuest;
  private final ActorRef<VcpuMsg> self;

  private Mode mode = Mode.IDLE;
  /** The vCPU thread is running KVM code (fault, prefetch, waiting for the VMM): do not enter. */
  private boolean hostBusy;
  /** Blocked in the run loop on wait_for_sept_zap. */
  private boolean waitingToEnter;
  private long enterTag = -1;
  /** Tag of the guest operation in flight, or -1. */
  private long opTag = -1;
  /** A host-side action the guest is waiting for (TDVMCALL MapGPA, prefetch ioctl, end of workload). */
  private GuestAction pendingExit;
  /** VcpuMsg.Join waiting for KVM_RUN to return for good. */
  private VcpuMsg.Join join;

  private Vcpu(ActorRef<VcpuMsg> self, int id, List<WorkloadStep> workload, Collection<Long> preAccepted,
      KvmConfig config, Monitor monitor) {
    this.self = self;
    this.id = id;
    this.monitor = monitor;
    this.kvm = new KvmContext(VcpuNames.of(id), 16 + id, id, config, monitor);
    GuestMemoryView mem = new GuestMemoryView(config.baseGfn());
    for (long g : preAccepted) mem.accepted(g, 1);
    this.guest = new GuestProgram(id, workload, mem, monitor);
    this.slots = new MemslotView(kvm);
    this.events = new PendingEvents(id, monitor);
    this.ept = new EptViolationHandler(kvm, id, slots, events::eventsOrSignal);
    this.mapGpa = new MapGpaCall(kvm, id, events::hasEvents);
    this.kicks = new VcpuKicks(id, kvm);
  }

  /**
   * @param preAccepted gfns the guest knows as accepted from the start (the TD's initial image, PAGE.ADDed)
   */
  public static Behavior<VcpuMsg> create(int id, List<WorkloadStep> workload, Collection<Long> preAccepted,
      KvmConfig config, Monitor monitor) {
    return AwaitWire.setup(VcpuMsg.class, VcpuMsg.Wire.class,
        ctx -> new Vcpu(ctx.getSelf(), id, workload, preAccepted, config, monitor), Vcpu::wire);
  }

  private void wire(VcpuMsg.Wire w) {
    assert w.peers() != null && selfGuest == null : VcpuNames.of(id) + " wired twice, or without peers";
    kvm.wire(w.peers(), self.narrow());
    selfGuest = self.narrow();
  }

  /**
   * The vCPU's messages, tested in order: the most frequent first; anything else is a protocol error. One method,
   * not a receive builder: a vCPU is the actor a host has by the thousand, and a builder's cases and lambdas cost
   * each of them about 800 bytes (class histogram at 10,000 vCPUs).
   */
  @Override
  public Behavior<VcpuMsg> receive(TypedActorContext<VcpuMsg> ctx, VcpuMsg m) {
    if (m instanceof GuestResult.GuestAccessOk r) {
      opDone(r, r.tag());
      guest.onAccessOk();
      guestRun();
    } else if (m instanceof GuestResult.TdEntered r) {
      onTdEntered(r);
    } else if (m instanceof GuestResult.TdExit r) {
      onTdExitReceived(r);
    } else if (m instanceof KvmReply r) {
      kvm.dispatch(r);
    } else if (m instanceof GuestResult.TdcallReturn r) {
      opDone(r, r.tag());
      guest.onTdcallReturn(r.status());
      guestRun();
    } else if (m instanceof GuestResult.VirtualizationException r) {
      opDone(r, r.tag());
      guest.onVirtualizationException();
      guestRun();
    } else if (m instanceof VcpuMsg.KickRequest k) {
      kicks.kick(k, mode == Mode.ENTERING, mode == Mode.IN_GUEST);
    } else if (m instanceof VcpuMsg.SeptZapDone d) {
      onSeptZapDone(d);
    } else if (m instanceof VcpuMsg.RunWorkload) {
      onRunWorkload();
    } else if (m instanceof GuestResult.VpEnterFailed r) {
      onVpEnterFailed(r);
    } else if (m instanceof VcpuMsg.VmDead) {
      onVmDead();
    } else if (m instanceof VcpuMsg.Join j) {
      onJoin(j);
    } else {
      onEvent(m);
    }
    assert invariant();
    return this;
  }

  /** Interrupts, signals and NMIs sent to the vCPU thread; anything else is a protocol error. */
  private void onEvent(VcpuMsg m) {
    if (m instanceof VcpuMsg.PostedInterrupt) {
      events.postInterrupt();
      if (mode == Mode.IN_GUEST) events.deliverInterrupt(); // posted-interrupt processing, no TD exit
    } else if (m instanceof VcpuMsg.Signal) {
      events.signal();
      if (mode == Mode.IN_GUEST) kicks.raiseInterrupt(); // the signal's IPI takes the CPU out of guest mode
    } else if (m instanceof VcpuMsg.NmiBurst n) {
      kvm.nmiBurst(n.count());
    } else {
      throw new IllegalStateException(VcpuNames.of(id) + " in " + mode + ": unexpected " + m);
    }
  }

  /** No signal is handled (PostStop and the like): as an unmatched signal of a receive builder. */
  @Override
  public Behavior<VcpuMsg> receiveSignal(TypedActorContext<VcpuMsg> ctx, Signal s) {
    return Behaviors.unhandled();
  }

  // ------------------------------------------------------------------------------------------ the TDX module's replies

  /** The guest operation in flight completed in the guest: the caller tells the guest how, then runs the next. */
  private void opDone(GuestResult r, long tag) {
    require(mode == Mode.IN_GUEST && opTag != -1 && tag == opTag, r); // the module answers each operation once
    opTag = -1;
  }

  /** TDH.VP.ENTER entered the guest: ENTERING → IN_GUEST. */
  private void onTdEntered(GuestResult.TdEntered r) {
    requireEntering(r, r.tag());
    mode = Mode.IN_GUEST;
    assert !hostBusy && opTag == -1 : "TD entered with KVM work or a guest operation in flight";
    kicks.resetInterrupt();
    events.deliverInterrupt();
    if (kicks.hasPending() || kvm.vmDead() || events.signalPending()) {
      kicks.raiseInterrupt(); // the IPI was pending across the entry
    }
    guestRun();
  }

  /** TDH.VP.ENTER failed before entry: ENTERING → OUTSIDE, and the run loop tries again. */
  private void onVpEnterFailed(GuestResult.VpEnterFailed r) {
    requireEntering(r, r.tag());
    mode = Mode.OUTSIDE;
    kicks.ackPending();
    monitor.observe(new FlowStep(Flow.VP_ENTER_FAILED, 0, Level.PG_LEVEL_4K));
    vcpuRun();
  }

  /** TDH.VP.ENTER returned: ENTERING or IN_GUEST → OUTSIDE. */
  private void onTdExitReceived(GuestResult.TdExit r) {
    require(r.vcpu() == id && (mode == Mode.ENTERING || mode == Mode.IN_GUEST), r);
    mode = Mode.OUTSIDE;
    opTag = -1; // an operation in flight did not complete: the guest re-executes it after re-entry
    kicks.ackPending();
    onTdExit(r);
  }

  /** The run loop's state machine: what each mode allows of the other fields. */
  private boolean invariant() {
    assert selfGuest != null && (mode != Mode.IDLE || enterTag == -1) : VcpuNames.of(id) + " ran before its wire";
    assert opTag == -1 || mode == Mode.IN_GUEST : VcpuNames.of(id) + ": a guest operation in flight in " + mode;
    assert !hostBusy || mode == Mode.OUTSIDE : VcpuNames.of(id) + ": KVM work in " + mode;
    assert !waitingToEnter || mode == Mode.OUTSIDE && !hostBusy : VcpuNames.of(id) + ": waiting to enter in " + mode;
    assert mode != Mode.ENTERING || enterTag != -1 : VcpuNames.of(id) + ": TDH.VP.ENTER without its tag";
    assert mode != Mode.HALTED || !hostBusy && join == null : VcpuNames.of(id) + ": halted with work or a Join left";
    return true;
  }

  private void requireEntering(GuestResult r, long tag) {
    require(mode == Mode.ENTERING && tag == enterTag, r);
  }

  /** A reply the vCPU state machine does not expect in its state is a protocol error: fail loudly. */
  private void require(boolean expected, Object reply) {
    if (!expected) {
      throw new IllegalStateException(VcpuNames.of(id) + " in " + mode + " (enter tag " + enterTag + ", op tag " + opTag
          + "): unexpected " + reply);
    }
  }

  // ------------------------------------------------------------------------------------------ host-side messages

  private void onSeptZapDone(VcpuMsg.SeptZapDone m) {
    if (kicks.septZapDone(m.from()) && waitingToEnter) {
      waitingToEnter = false;
      vcpuRun();
    }
  }

  private void onRunWorkload() {
    kvm.setTdRunnable();
    if (mode == Mode.IDLE) { // IDLE → OUTSIDE: the VMM's first KVM_RUN
      mode = Mode.OUTSIDE;
      vcpuRun();
    }
  }

  private void onJoin(VcpuMsg.Join m) {
    if (join != null) throw new IllegalStateException("a second Join before the first was answered: " + m);
    join = m;
    joinIfHalted();
  }

  /** KVM_REQ_VM_DEAD: its kick takes the vCPU out of guest mode; outside, the next KVM_RUN check sees it. */
  private void onVmDead() {
    kvm.learnVmDead();
    if (mode == Mode.IN_GUEST) {
      kicks.raiseInterrupt();
    } else if (waitingToEnter) {
      waitingToEnter = false;
      vcpuRun();
    }
  }

  // ------------------------------------------------------------------------------------------ run loop

  /** vcpu_run: outside guest mode, with no KVM work in progress. */
  private void vcpuRun() {
    if (mode != Mode.OUTSIDE || hostBusy) return;
    if (kvm.vmDead()) { // vcpu_enter_guest: kvm_check_request(KVM_REQ_VM_DEAD) → -EIO; so does every later KVM_RUN
      returnForGood(new FlowStep(Flow.KVM_RUN_EIO, 0, Level.PG_LEVEL_4K));
      return;
    }
    GuestAction exit = pendingExit;
    pendingExit = null;
    GuestAction a = exit != null ? exit : guest.current();
    if (a instanceof GuestAction.Finished) {
      returnForGood(new VcpuWorkloadDone(id));
      return;
    }
    if (a instanceof GuestAction.Dead) {
      returnForGood(null); // the guest panicked: KVM_RUN ends (SYSTEM_EVENT), no more entries
      return;
    }
    if (a instanceof GuestAction.PrefetchIoctl p) {
      hostBusy = true;
      new PrefetchIoctl(kvm, id, slots, ept, events, p.end(), () -> {
        hostBusy = false;
        guest.onPrefetchDone();
        vcpuRun();
      }).issue(p.start());
      return;
    }
    if (a instanceof GuestAction.MapGpaCall m && exit != null) {
      mapGpaExit(m); // the guest executed the TDVMCALL: exit to userspace
      return;
    }
    events.takeSignal(Flow.KVM_EXIT_INTR, 0); // -EINTR to the VMM, whose vCPU loop calls KVM_RUN again
    if (kicks.waitForSeptZap()) { // tdx_vcpu_run: EXIT_FASTPATH_EXIT_HANDLED
      waitingToEnter = true;
      return;
    }
    assert !kicks.hasPending() && !waitingToEnter : "TDH.VP.ENTER with unacknowledged kicks or waiting";
    assert opTag == -1 && pendingExit == null : "TDH.VP.ENTER with a guest operation or exit in flight";
    assert kvm.held() == null : VcpuNames.of(id) + ": TDH.VP.ENTER under mmu_lock " + kvm.held();
    mode = Mode.ENTERING; // OUTSIDE → ENTERING
    enterTag = kvm.mintTag();
    kicks.resetInterrupt();
    kvm.peers().tdxModule().tell(new TdxModuleMsg.TdhVpEnter(id, selfGuest, enterTag));
  }

  /** In the guest with no operation in flight: issue the next one, or leave the guest for the host. */
  private void guestRun() {
    if (mode != Mode.IN_GUEST || opTag != -1 || pendingExit != null) return;
    GuestAction a = guest.current();
    if (a instanceof GuestAction.AcceptOp op) {
      opTag = kvm.mintTag();
      kvm.peers().tdxModule().tell(new TdxModuleMsg.TdgMemPageAccept(id, op.gfn(), op.level(), selfGuest, opTag));
    } else if (a instanceof GuestAction.AccessOp op) {
      opTag = kvm.mintTag();
      kvm.peers().tdxModule().tell(new TdxModuleMsg.GuestMemAccess(id, op.gfn(), true, selfGuest, opTag));
    } else {
      // TDVMCALL (MapGPA), or the VMM stops KVM_RUN (prefetch ioctl, end of workload, guest panic): a TD exit.
      pendingExit = a;
      kicks.raiseInterrupt();
    }
  }

  private void onTdExit(GuestResult.TdExit r) {
    assert mode == Mode.OUTSIDE && !hostBusy : "a TD exit handled in " + mode + (hostBusy ? " while busy" : "");
    if (r.reason() == ExitReason.EPT_VIOLATION) {
      hostBusy = true;
      slots.readLock(); // vcpu_enter_guest re-takes kvm->srcu after the exit
      ept.handle(r.gfn(), r.acceptLevel(), r.pendingEptViolation(), result -> {
        slots.readUnlock(); // before TDH.VP.ENTER, or as KVM_RUN returns
        hostBusy = false;
        if (r.acceptLevel() == null && PfResult.RET_PF_FIXED.equals(result)) guest.onAccessFaultInstalled(r.gfn());
        long memoryFault = ept.takeMemoryFaultExit();
        if (PfResult.isError(result) && memoryFault >= 0 && !kvm.vmDead()) {
          memoryFaultExit(memoryFault);
          return;
        }
        if (PfResult.isError(result) && !kvm.vmDead()) {
          halt(); // KVM_RUN returns the error (see the FaultEnd); the VMM stops the vCPU
          return;
        }
        vcpuRun();
      });
      return;
    }
    vcpuRun();
  }

  /** KVM_RUN returned an error (see the FaultEnd): the VMM stops the vCPU. */
  private void halt() {
    returnForGood(new FlowStep(Flow.VCPU_HALTED, 0, Level.PG_LEVEL_4K));
  }

  /** OUTSIDE → HALTED: KVM_RUN returns for good ({@code why} observed first, unless null); no more entries. */
  private void returnForGood(Observation why) {
    assert mode == Mode.OUTSIDE && !hostBusy && opTag == -1 : "KVM_RUN returned for good in " + mode;
    mode = Mode.HALTED;
    if (why != null) monitor.observe(why);
    joinIfHalted();
  }

  /** The vCPU thread returned from KVM_RUN for good: answer a pending Join (pthread_join, close of the fd). */
  private void joinIfHalted() {
    if (join == null || mode != Mode.HALTED) return;
    join.replyTo().tell(new KvmReply.VcpuJoined(id, join.tag()));
    join = null;
  }

  // ------------------------------------------------------------------------------------------ host-side work

  /** The guest's TDVMCALL MapGPA: one KVM_HC_MAP_GPA_RANGE exit to the VMM per chunk ({@link MapGpaCall}). */
  private void mapGpaExit(GuestAction.MapGpaCall m) {
    assert mode == Mode.OUTSIDE : "MapGPA exit in " + mode;
    hostBusy = true;
    mapGpa.start(m, res -> {
      hostBusy = false;
      guest.onMapGpaReturn(res);
      vcpuRun();
    });
  }

  /**
   * KVM_RUN returned -EFAULT with KVM_EXIT_MEMORY_FAULT (a private access, KVM_MEMORY_EXIT_FLAG_PRIVATE, to a gfn
   * whose attribute is shared): the VMM converts the page (QEMU's kvm_convert_memory) and runs KVM_RUN again; a
   * failed conversion stops the vCPU.
   */
  private void memoryFaultExit(long gfn) {
    assert mode == Mode.OUTSIDE && kvm.held() == null : VcpuNames.of(id) + ": KVM_EXIT_MEMORY_FAULT in " + mode;
    hostBusy = true;
    kvm.request(KvmReply.MemoryFaultHandled.class, h -> {
      hostBusy = false;
      if (!h.ok()) {
        halt();
        return;
      }
      vcpuRun();
    }, tag -> kvm.peers().vmm().tell(new VmmMsg.MemoryFaultExit(id, gfn, 1, true, kvm.self(), tag)));
  }
}
