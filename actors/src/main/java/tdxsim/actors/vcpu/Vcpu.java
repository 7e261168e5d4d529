package tdxsim.actors.vcpu;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import tdxsim.actors.kvm.AwaitWire;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.mmu.TdpPageFault;
import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.VcpuWorkloadDone;
import tdxsim.actors.monitor.Monitor;
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
 *
 * <p>Kicks (KVM_REQ_OUTSIDE_GUEST_MODE with wait): acknowledged at once when outside guest mode (the kicker does
 * not wait for such CPUs), otherwise once the vCPU has left guest mode: the IPI lands on the CPU running the vCPU,
 * modelled as this actor raising {@code ExternalInterrupt} at the TDX module (right after entry if the kick came
 * while TDH.VP.ENTER was on its way, as a pending IPI does). A TDVMCALL exit is carried the same way, since the
 * protocol has no TDVMCALL message: the module sees an ordinary TD exit.
 */
public final class Vcpu {
  private enum Mode { IDLE, OUTSIDE, ENTERING, IN_GUEST, HALTED }

  private final int id;
  private final KvmContext kvm;
  private final GuestProgram guest;
  private final EptViolationHandler ept;
  private final MemslotView slots;
  private final MapGpaCall mapGpa;
  private final PendingEvents events;
  private final Monitor monitor;
  private ActorRef<GuestResult> selfGuest;

  private Mode mode = Mode.IDLE;
  /** The vCPU thread is running KVM code (fault, prefetch, waiting for the VMM): do not enter. */
  private boolean hostBusy;
  /** Blocked in the run loop on wait_for_sept_zap. */
  private boolean waitingToEnter;
  /** kvm_tdx->wait_for_sept_zap, as set by each kicker (only the write-lock holder ever sets it). */
  private final Set<String> waitForSeptZap = new LinkedHashSet<>();
  /** Kicks to acknowledge once out of guest mode. */
  private final List<VcpuMsg.KickRequest> pendingKicks = new ArrayList<>();
  private boolean interruptSent;
  private long enterTag = -1;
  /** Tag of the guest operation in flight, or -1. */
  private long opTag = -1;
  /** A host-side action the guest is waiting for (TDVMCALL MapGPA, prefetch ioctl, end of workload). */
  private GuestAction pendingExit;
  /** VcpuMsg.Join waiting for KVM_RUN to return for good. */
  private VcpuMsg.Join join;

  private Vcpu(int id, List<WorkloadStep> workload, Collection<Long> preAccepted, KvmConfig config, Monitor monitor) {
    this.id = id;
    this.monitor = monitor;
    this.kvm = new KvmContext(name(id), 16 + id, id, config, monitor);
    GuestMemoryView mem = new GuestMemoryView(config.baseGfn());
    for (long g : preAccepted) mem.accepted(g, 1);
    this.guest = new GuestProgram(id, workload, mem, monitor);
    this.slots = new MemslotView(kvm);
    this.events = new PendingEvents(id, monitor);
    this.ept = new EptViolationHandler(kvm, id, slots, events::eventsOrSignal);
    this.mapGpa = new MapGpaCall(kvm, id, events::hasEvents);
  }

  public static String name(int id) {
    return "vcpu-" + id;
  }

  /**
   * @param preAccepted gfns the guest knows as accepted from the start (the TD's initial image, PAGE.ADDed)
   */
  public static Behavior<VcpuMsg> create(int id, List<WorkloadStep> workload, Collection<Long> preAccepted,
      KvmConfig config, Monitor monitor) {
    return Behaviors.setup(ctx -> Behaviors.withStash(1024, stash ->
        new Vcpu(id, workload, preAccepted, config, monitor).unwired(ctx, stash)));
  }

  private Behavior<VcpuMsg> unwired(ActorContext<VcpuMsg> ctx, StashBuffer<VcpuMsg> stash) {
    return AwaitWire.stashUntil(VcpuMsg.class, VcpuMsg.Wire.class, stash, w -> {
      kvm.wire(w.peers(), ctx.getSelf().narrow());
      selfGuest = ctx.getSelf().narrow();
      return running();
    });
  }

  /** The cases are tested in order: the most frequent messages first. */
  private Behavior<VcpuMsg> running() {
    return hostSide(Behaviors.receive(VcpuMsg.class)
        .onMessage(GuestResult.GuestAccessOk.class, r -> {
          if (!currentOp(r.tag())) return Behaviors.same();
          guest.onAccessOk();
          guestRun();
          return Behaviors.same();
        })
        .onMessage(GuestResult.TdEntered.class, r -> {
          if (r.tag() != enterTag || mode != Mode.ENTERING) return Behaviors.same();
          mode = Mode.IN_GUEST;
          assert !hostBusy && opTag == -1 : "TD entered with KVM work or a guest operation in flight";
          interruptSent = false;
          events.deliverInterrupt();
          if (!pendingKicks.isEmpty() || kvm.vmDead() || events.signalPending()) {
            raiseInterrupt(); // the IPI was pending across the entry
          }
          guestRun();
          return Behaviors.same();
        })
        .onMessage(GuestResult.TdExit.class, r -> {
          if (mode != Mode.ENTERING && mode != Mode.IN_GUEST) return Behaviors.same();
          mode = Mode.OUTSIDE;
          opTag = -1; // an operation in flight did not complete: the guest re-executes it after re-entry
          ackPendingKicks();
          onTdExit(r);
          return Behaviors.same();
        })
        .onMessage(KvmReply.class, r -> {
          kvm.dispatch(r);
          return Behaviors.same();
        })
        .onMessage(GuestResult.TdcallReturn.class, r -> {
          if (!currentOp(r.tag())) return Behaviors.same();
          guest.onTdcallReturn(r.status());
          guestRun();
          return Behaviors.same();
        })
        .onMessage(GuestResult.VirtualizationException.class, r -> {
          if (!currentOp(r.tag())) return Behaviors.same();
          guest.onVirtualizationException();
          guestRun();
          return Behaviors.same();
        }))
        .build();
  }

  /** KVM requests from other CPUs, the VMM's and the host's messages. */
  private BehaviorBuilder<VcpuMsg> hostSide(BehaviorBuilder<VcpuMsg> b) {
    return b
        .onMessage(VcpuMsg.KickRequest.class, m -> {
          onKick(m);
          return Behaviors.same();
        })
        .onMessage(VcpuMsg.SeptZapDone.class, m -> {
          waitForSeptZap.remove(m.from());
          if (waitingToEnter && waitForSeptZap.isEmpty()) {
            waitingToEnter = false;
            vcpuRun();
          }
          return Behaviors.same();
        })
        .onMessage(VcpuMsg.RunWorkload.class, m -> {
          kvm.setTdRunnable();
          if (mode == Mode.IDLE) {
            mode = Mode.OUTSIDE;
            vcpuRun();
          }
          return Behaviors.same();
        })
        .onMessage(GuestResult.VpEnterFailed.class, r -> {
          if (r.tag() != enterTag || mode != Mode.ENTERING) return Behaviors.same();
          mode = Mode.OUTSIDE;
          ackPendingKicks();
          monitor.observe(new FlowStep(Flow.VP_ENTER_FAILED, 0, Level.PG_LEVEL_4K));
          vcpuRun();
          return Behaviors.same();
        })
        .onMessage(VcpuMsg.VmDead.class, m -> {
          onVmDead();
          return Behaviors.same();
        })
        .onMessage(VcpuMsg.Join.class, m -> {
          if (join != null) throw new IllegalStateException("a second Join before the first was answered: " + m);
          join = m;
          joinIfHalted();
          return Behaviors.same();
        })
        .onMessage(VcpuMsg.PostedInterrupt.class, m -> {
          events.postInterrupt();
          if (mode == Mode.IN_GUEST) events.deliverInterrupt(); // posted-interrupt processing, no TD exit
          return Behaviors.same();
        })
        .onMessage(VcpuMsg.Signal.class, m -> {
          events.signal();
          if (mode == Mode.IN_GUEST) raiseInterrupt(); // the signal's IPI takes the CPU out of guest mode
          return Behaviors.same();
        })
        .onMessage(VcpuMsg.NmiBurst.class, m -> {
          kvm.nmiBurst(m.count());
          return Behaviors.same();
        });
  }

  private boolean currentOp(long tag) {
    if (mode != Mode.IN_GUEST || tag != opTag) return false;
    opTag = -1;
    return true;
  }

  // ------------------------------------------------------------------------------------------ kicks

  private void onKick(VcpuMsg.KickRequest k) {
    if (k.waitForSeptZap()) waitForSeptZap.add(k.from());
    if (mode == Mode.ENTERING || mode == Mode.IN_GUEST) {
      pendingKicks.add(k);
      if (mode == Mode.IN_GUEST) raiseInterrupt();
      return;
    }
    k.replyTo().tell(new KvmReply.KickAck(id, k.tag()));
  }

  /** KVM_REQ_VM_DEAD: its kick takes the vCPU out of guest mode; outside, the next KVM_RUN check sees it. */
  private void onVmDead() {
    kvm.learnVmDead();
    if (mode == Mode.IN_GUEST) {
      raiseInterrupt();
    } else if (waitingToEnter) {
      waitingToEnter = false;
      vcpuRun();
    }
  }

  private void ackPendingKicks() {
    for (VcpuMsg.KickRequest k : pendingKicks) k.replyTo().tell(new KvmReply.KickAck(id, k.tag()));
    pendingKicks.clear();
  }

  /** An interrupt for the logical processor running this vCPU: the TDX module takes it as a TD exit. */
  private void raiseInterrupt() {
    if (interruptSent) return;
    interruptSent = true;
    kvm.peers().tdxModule().tell(new TdxModuleMsg.ExternalInterrupt(id));
  }

  // ------------------------------------------------------------------------------------------ run loop

  /** vcpu_run: outside guest mode, with no KVM work in progress. */
  private void vcpuRun() {
    if (mode != Mode.OUTSIDE || hostBusy) return;
    if (kvm.vmDead()) { // vcpu_enter_guest: kvm_check_request(KVM_REQ_VM_DEAD) → -EIO; so does every later KVM_RUN
      mode = Mode.HALTED;
      monitor.observe(new FlowStep(Flow.KVM_RUN_EIO, 0, Level.PG_LEVEL_4K));
      joinIfHalted();
      return;
    }
    GuestAction exit = pendingExit;
    pendingExit = null;
    GuestAction a = exit != null ? exit : guest.current();
    if (a instanceof GuestAction.Finished) {
      mode = Mode.HALTED;
      monitor.observe(new VcpuWorkloadDone(id));
      joinIfHalted();
      return;
    }
    if (a instanceof GuestAction.Dead) {
      mode = Mode.HALTED; // the guest panicked: KVM_RUN ends (SYSTEM_EVENT), no more entries
      joinIfHalted();
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
    if (!waitForSeptZap.isEmpty()) { // tdx_vcpu_run: EXIT_FASTPATH_EXIT_HANDLED
      waitingToEnter = true;
      return;
    }
    assert pendingKicks.isEmpty() && !waitingToEnter : "TDH.VP.ENTER with unacknowledged kicks or waiting";
    mode = Mode.ENTERING;
    enterTag = kvm.mintTag();
    interruptSent = false;
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
      raiseInterrupt();
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

  private void halt() {
    assert mode == Mode.OUTSIDE && !hostBusy : "KVM_RUN returned an error in " + mode;
    mode = Mode.HALTED;
    monitor.observe(new FlowStep(Flow.VCPU_HALTED, 0, Level.PG_LEVEL_4K));
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
    hostBusy = true;
    long tag = kvm.mintTag();
    kvm.await(tag, KvmReply.MemoryFaultHandled.class, h -> {
      hostBusy = false;
      if (!h.ok()) {
        halt();
        return;
      }
      vcpuRun();
    });
    kvm.peers().vmm().tell(new VmmMsg.MemoryFaultExit(id, gfn, 1, true, kvm.self(), tag));
  }
}
