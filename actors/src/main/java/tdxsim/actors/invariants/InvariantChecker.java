package tdxsim.actors.invariants;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import tdxsim.actors.monitor.GmemObservation;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.actors.monitor.MemslotObservation;
import tdxsim.actors.monitor.VcpuObservation;
import tdxsim.actors.monitor.TeardownObservation;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.PfResult;

/**
 * The invariant checker: a {@link Monitor} that rebuilds the global state (mirror SPTEs, S-EPT entries, folios,
 * attributes, mmu_lock holders, invalidation ranges, GUEST_INHIBIT bits, TDX folio refs, user mappings, TLB
 * epochs and vCPU guest modes) from observations alone and checks the {@link Invariant}s incrementally: each
 * observation touches only the gfns and 2M ranges it names, so the checker can run after every delivery.
 *
 * <p>Protocol for the runtime: feed every observation to {@link #observe}; call {@link #check()} at each delivery
 * boundary (it runs the checks that must see a whole message handling, see {@link RestChecks} for the precise
 * "at rest" rule) and stop at the first violation; call {@link #atQuiescence()} when no message is left. Not
 * thread-safe: the parallel runtime serialises through {@link #synchronizedMonitor()} and calls the other methods
 * while holding this object's monitor. Replayable: no clocks, no randomness, state keyed by gfn and name only.
 */
public final class InvariantChecker implements Monitor {
  private final GlobalState g;
  private final MirrorTracker mirror;
  private final SeptTracker sept;
  private final SeamcallTracker seamcalls;
  private final KvmTracker kvm;
  private final GmemTracker gmem;
  private final TeardownTracker teardown;
  /**
   * A KVM_RUN returned -ENOMEM: a split's allocation failed under memory pressure and v3 returns it to userspace
   * [P3-13], whose VMM stops the VM (QEMU kvm_cpu_exec: "kvm run failed", vm_stop(RUN_STATE_INTERNAL_ERROR)
   * [QEMU kvm-all.c]). The at-quiescence judgements of a VM that runs on (ACCEPT level honoured, every workload
   * done) do not apply to it.
   */
  private boolean stoppedOnEnomem;

  /** @param vcpus the scenario's vCPU count: each of 0..vcpus-1 must report VcpuWorkloadDone by quiescence. */
  public InvariantChecker(int vcpus) {
    this(vcpus, Bounds.DEFAULT);
    assert g.bounds == Bounds.DEFAULT : "a checker without the default bounds";
  }

  public InvariantChecker(int vcpus, Bounds bounds) {
    if (vcpus < 0) throw new IllegalArgumentException("vcpus < 0");
    assert bounds != null : "a checker without liveness bounds";
    this.g = new GlobalState(vcpus, bounds);
    this.mirror = new MirrorTracker(g);
    this.sept = new SeptTracker(g);
    this.seamcalls = new SeamcallTracker(g, this::runnable);
    this.kvm = new KvmTracker(g);
    this.gmem = new GmemTracker(g, kvm);
    this.teardown = new TeardownTracker(g);
    assert g.vcpus == vcpus : "a new checker with a violation";
    assert !g.v.any() : "a new checker with a violation";
  }

  /** Every invariant this checker enforces, with its stable name and one-line description. */
  public static List<Invariant> invariants() {
    assert Invariant.values().length > 0 : "no invariants";
    return List.of(Invariant.values());
  }

  @Override
  public void observe(Observation o) {
    assert o != null : "a null observation";
    // A step another flow's retry may wait for (a vCPU's own retry loop emits none of these) counts as progress
    // before it is handled. Tested per branch: one interface test per observation (a failed instanceof of an
    // interface scans the class's supers, and every observation failed four of them first: 5% of explore's time).
    if (o instanceof MmuObservation m) {
      if (m instanceof MmuObservation.SpteChanged || m instanceof MmuObservation.InvalidateBegin
          || m instanceof MmuObservation.InvalidateEnd) {
        g.liveness.progress();
      }
      mmu(m);
    } else if (o instanceof SeptObservation s) {
      if (s instanceof SeptObservation.SeptEntryChanged || s instanceof SeptObservation.SeamcallCompleted) {
        g.liveness.progress();
      }
      sept(s);
    } else if (o instanceof GmemObservation gm) {
      g.liveness.progress();
      gmem(gm);
    } else if (o instanceof TeardownObservation t) {
      g.liveness.progress();
      teardown.on(t);
    } else if (o instanceof MemslotObservation m) {
      g.memslots.on(m);
    } else if (o instanceof VcpuObservation v) {
      g.interrupts.on(v);
    }
  }

  private void mmu(MmuObservation o) {
    if (o instanceof MmuObservation.SpteChanged x) {
      mirror.onSpte(x);
    } else if (o instanceof MmuObservation.MmuLockChanged x) {
      g.locks.changed(x.owner(), x.mode(), x.acquired());
    } else if (o instanceof MmuObservation.FlowStep x) {
      g.counters.flow(x.flow());
    } else if (o instanceof MmuObservation.FaultBegin x) {
      g.counters.faults++;
      g.liveness.faultBegin(x.vcpu(), x.gfn());
    } else if (o instanceof MmuObservation.FaultEnd x) {
      if (PfResult.isRetry(x.result())) g.counters.faultRetries++;
      if (x.result() == Errno.ENOMEM) stoppedOnEnomem = true;
      g.liveness.faultEnd(x.vcpu(), x.gfn(), x.result());
    } else if (o instanceof MmuObservation.SpteCmpxchgFailed x) {
      g.liveness.cmpxchgFailed(x.owner(), x.gfn(), x.level(), x.found().isFrozen());
    } else if (o instanceof MmuObservation.MmuLockWaiting x) {
      g.locks.waiting(x.owner(), x.mode());
    } else if (o instanceof MmuObservation.InvalidateBegin x) {
      g.inval.begin(x.start(), x.end());
    } else if (o instanceof MmuObservation.InvalidateEnd x) {
      kvm.invalidateEnd(x);
    } else if (o instanceof MmuObservation.GuestInhibitSet x) {
      kvm.inhibitSet(x);
    } else if (o instanceof MmuObservation.GuestInhibitCleared x) {
      kvm.inhibitCleared(x.gfn(), x.level());
    } else if (o instanceof MmuObservation.GuestAccepted) {
      g.counters.guestAccepted++;
    } else if (o instanceof MmuObservation.VcpuWorkloadDone x) {
      g.td.workloadDone(x.vcpu());
      assert g.td.isDone(x.vcpu()) : "vcpu " + x.vcpu() + "'s VcpuWorkloadDone not recorded";
    } else if (o instanceof MmuObservation.KvmBugOn x) {
      g.counters.kvmBugOns++;
      g.bugged = true;
      g.v.report(Invariant.KVM_BUG_ON, x.where() + ": " + x.detail(), List.of(x.where()), x.gfn());
    } else if (o instanceof MmuObservation.VmDead x) {
      g.v.report(Invariant.KVM_VM_DEAD, "vcpu " + x.vcpu() + ": " + x.reason() + " " + Violation.hex(x.gfn()),
          List.of(Names.vcpu(x.vcpu())), x.gfn());
    } else if (o instanceof MmuObservation.GuestPanic x) {
      g.v.report(Invariant.GUEST_PANIC, "vcpu " + x.vcpu() + ": " + x.reason(), List.of(Names.vcpu(x.vcpu())),
          x.gfn());
    } else if (o instanceof MmuObservation.GuestDataLost x) {
      g.v.report(Invariant.GUEST_DATA_LOST, "vcpu " + x.vcpu() + " found accepted data at "
          + Violation.hex(x.gfn()) + " gone", List.of(Names.vcpu(x.vcpu())), x.gfn());
    }
  }

  private void sept(SeptObservation o) {
    if (o instanceof SeptObservation.SeptEntryChanged x) {
      sept.onSept(x);
    } else if (o instanceof SeptObservation.SeamcallCompleted x) {
      seamcalls.onSeamcall(x);
    } else if (o instanceof SeptObservation.NonBlockingDemote x) {
      g.pt.entry(x.gfn(), x.level()).nonBlockingDemotes++;
    } else if (o instanceof SeptObservation.AcceptCompleted x) {
      kvm.acceptCompleted(x.vcpu(), x.gfn(), x.level(), x.status());
    } else if (o instanceof SeptObservation.VcpuGuestMode x) {
      boolean was = g.td.runnable();
      g.td.guestMode(x.vcpu(), x.inGuest(), x.epoch());
      if (!was && g.td.runnable()) g.rest.markAll(g.pt);
      assert !x.inGuest() || g.td.runnable() : "vcpu " + x.vcpu() + " in the guest of a TD not RUNNABLE";
    } else if (o instanceof SeptObservation.TdEpochAdvanced x) {
      g.td.epochAdvanced(x.tdEpoch());
    } else if (o instanceof SeptObservation.TdRunnable) {
      runnable();
    }
  }

  private void gmem(GmemObservation o) {
    assert o != null : "a null guest_memfd observation";
    if (o instanceof GmemObservation.FolioChanged x) {
      gmem.folioChanged(x);
    } else if (o instanceof GmemObservation.FolioSplit x) {
      gmem.folioSplit(x.gfn());
    } else if (o instanceof GmemObservation.AttributesChanged x) {
      gmem.attributesChanged(x.start(), x.end(), x.isPrivate());
    } else if (o instanceof GmemObservation.ConversionBegin x) {
      g.conv.begin(g.pt, x.kind(), x.start(), x.end());
    } else if (o instanceof GmemObservation.ConversionEnd x) {
      gmem.conversionEnd(x);
    } else if (o instanceof GmemObservation.UserMapping x) {
      gmem.userMapping(x);
    } else if (o instanceof GmemObservation.FolioRefChanged x) {
      gmem.folioRefChanged(x);
    }
  }

  private void runnable() {
    assert g.rest != null : "TDH.MR.FINALIZE before the rest checks exist";
    if (g.td.runnable()) return;
    g.td.setRunnable();
    g.rest.markAll(g.pt);
    assert g.td.runnable() : "the TD not RUNNABLE after TDH.MR.FINALIZE";
  }

  /**
   * End of one delivery: runs the deferred checks (mirror agreement at rest, S-EPT structure, TDX refs) for
   * what the delivery touched, and returns the first violation so far.
   */
  public Optional<Violation> check() {
    assert g.memslots != null : "check() without a memslot tracker";
    g.memslots.check();
    g.rest.flush(g);
    return g.v.first();
  }

  /** The first violation recorded so far (without running deferred checks). */
  public Optional<Violation> firstViolation() {
    assert g.v.any() == (g.v.count() > 0) : g.v.count() + " violations counted";
    return g.v.first();
  }

  /** How many violations were reported in all (the first is kept; the rest are usually its consequences). */
  public long violationCount() {
    assert g.v.count() >= 0 : "a negative violation count";
    return g.v.count();
  }

  /**
   * No message is left: the liveness checks (nothing FROZEN, mmu_lock free, no fault or invalidation left open,
   * ACCEPT levels honoured, every vCPU done). Returns the first violation overall.
   */
  public Optional<Violation> atQuiescence() {
    assert g.v.any() || g.locks != null : "atQuiescence without a lock tracker";
    g.rest.flush(g);
    if (g.v.any()) return g.v.first();
    List<String> held = g.locks.holdersAndWaiters();
    if (!held.isEmpty()) {
      g.v.report(Invariant.LIVENESS_LOCK_RELEASED, "quiescent with mmu_lock held or awaited by "
          + String.join(", ", held), List.copyOf(held));
    }
    reportFrozen();
    int v = g.liveness.openFaultVcpu();
    if (v >= 0) {
      long gfn = g.liveness.openFaultGfn(v);
      g.v.report(Invariant.LIVENESS_FAULT_COMPLETES, "quiescent with vcpu " + v + "'s fault on "
          + Violation.hex(gfn) + " unfinished", List.of(Names.vcpu(v)), gfn);
    }
    if (!g.inval.isEmpty()) {
      long[] r = g.inval.active().get(0);
      g.v.report(Invariant.LIVENESS_INVALIDATION_ENDED, "quiescent with invalidation [" + Violation.hex(r[0])
          + ", " + Violation.hex(r[1]) + ") in progress", r[0]);
    }
    if (!g.conv.isEmpty()) {
      ConversionTracker.Conversion c = g.conv.active().get(0);
      g.v.report(Invariant.LIVENESS_INVALIDATION_ENDED, "quiescent with " + c.kind + " [" + Violation.hex(c.start)
          + ", " + Violation.hex(c.end) + ") unfinished", c.start);
    }
    boolean stopped = stoppedOnEnomem || g.bugged; // the VMM stops a VM whose KVM_RUN fails (-ENOMEM, -EIO)
    if (!stopped) kvm.checkAcceptLevels();
    teardown.atQuiescence();
    for (Range2M r : g.pt.ranges()) assert r.invariant() && r.countsExact(); // O(ranges x 512): at quiescence only
    g.memslots.atQuiescence();
    for (int i = 0; i < g.vcpus && !stopped; i++) {
      if (!g.td.isDone(i)) {
        g.v.report(Invariant.LIVENESS_WORKLOAD_DONE, "quiescent but vcpu " + i + " never finished its workload",
            List.of(Names.vcpu(i)));
        break;
      }
    }
    return g.v.first();
  }

  private void reportFrozen() {
    for (Entry h : g.pt.hugeEntries()) {
      if (h.isFrozen()) {
        g.v.report(Invariant.LIVENESS_FROZEN_SPTE, "quiescent with the mirror SPTE " + h.where() + " FROZEN",
            RestChecks.actors(h), h.gfn);
        return;
      }
    }
    for (Range2M r : g.pt.ranges()) {
      if (r.frozen == 0) continue;
      Entry e = r.e2m != null && r.e2m.isFrozen() ? r.e2m : null;
      for (int i = 0; e == null && i < Range2M.PAGES; i++) {
        assert r.has4kEntries() || r.e2m == null || !r.e2m.isFrozen() : "search past the FROZEN 2M entry";
        Entry c = r.e4k(i);
        if (c != null && c.isFrozen()) e = c;
      }
      long gfn = e == null ? r.base : e.gfn;
      assert e != null : "2M range " + r.base + " counts " + r.frozen + " FROZEN SPTEs but none is FROZEN";
      g.v.report(Invariant.LIVENESS_FROZEN_SPTE, "quiescent with the mirror SPTE "
          + (e == null ? Violation.hex(gfn) : e.where()) + " FROZEN", e == null ? List.of() : RestChecks.actors(e),
          gfn);
      return;
    }
  }

  /** Deterministic 64-bit hash of a canonical encoding of the current global state. */
  public long stateHash() {
    assert g.pt != null : "a state hash without page tables";
    return StateHashing.hash(g);
  }

  /** Flow counters for {@code explore --json}, in a fixed order (summary first, then sorted details). */
  public Map<String, Long> counters() {
    assert g.counters != null : "no flow counters";
    return g.counters.snapshot();
  }

  /** Adds this checker's flow counters to {@code sum} (no map is built: cheap enough for every schedule). */
  public void addCountersTo(FlowCounters sum) {
    assert sum != null : "counters added to nothing";
    sum.add(g.counters);
  }

  /** The keys {@link #counters()} always starts with, in order; the rest are details, sorted. */
  public static List<String> counterSummaryKeys() {
    assert !FlowCounters.SUMMARY_KEYS.isEmpty() : "no summary counters";
    return FlowCounters.SUMMARY_KEYS;
  }

  /** A monitor that serialises observations on this checker, for the parallel runtime. */
  public Monitor synchronizedMonitor() {
    assert g != null : "a checker without its state";
    return o -> {
      synchronized (InvariantChecker.this) {
        observe(o);
      }
    };
  }

  /** For tests and reports: the level of the smallest ACCEPT that TD-exited in the 2M range of gfn, if any. */
  Optional<Level> minAcceptLevel(long gfn) {
    assert gfn >= 0 : "minAcceptLevel of the gfn " + gfn;
    Range2M r = g.pt.peekRange(gfn);
    return Optional.ofNullable(r == null ? null : r.minAccept);
  }
}
