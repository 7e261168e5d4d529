package tdxsim.stress.parallel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.protocol.PfResult;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxStatus;

/**
 * The parallel runtime's own instrumentation of a TDX world, fed every observation next to the invariant checker:
 * counters per flow, SEAMCALL status counts, faults and ACCEPTs, and the fault latency (from a vCPU's EPT
 * violation to the end of its fault handling, local retries included) on a monitor-side clock. The clock is read
 * here, in the runtime, never by an actor, and nothing of it flows back into the model: replay is unaffected.
 *
 * <p>Per-thread state ({@link ThreadSlots}): recording is a field read and plain increments, no lock, no shared
 * cache line; totals are summed on demand (exactly at a consistent cut, approximately while running).
 */
public final class StressStats {
  private static final SeamcallLeaf[] LEAVES = SeamcallLeaf.values();
  private static final TdxStatus[] STATUSES = TdxStatus.values();

  /** One thread's counters. */
  static final class PerThread {
    long faults;
    long faultAttempts;
    long faultRetries;
    long accepts;
    long acceptsBusy;
    long acceptsBusyHostPriority;
    long accepted;
    long splits;
    long zaps;
    long conversions;
    long busy;
    long vcpusDone;
    long tdsRunnable;
    final long[][] seamcalls = new long[LEAVES.length][STATUSES.length];
    final Map<String, long[]> flows = new LinkedHashMap<>();
    final Histogram faultLatency = new Histogram(3_600_000_000_000L, 2);
  }

  private final ThreadSlots<PerThread> slots = new ThreadSlots<>(PerThread::new);
  /** Per vCPU: the monitor-clock time its fault began (0: none in flight). Written by that vCPU's actor only. */
  private final long[] faultStart;

  public StressStats(int vcpus) {
    this.faultStart = new long[vcpus];
    assert vcpus >= 0 : "stats of " + vcpus + " vCPUs";
  }

  /** An observation of a TD whose vCPUs are numbered from {@code vcpuBase} among all the host's vCPUs. */
  public void observe(int vcpuBase, Observation o) {
    assert vcpuBase >= 0 : "an observation of vCPU base " + vcpuBase;
    assert o != null : "an observation of vCPU base " + vcpuBase;
    PerThread t = slots.get();
    if (slots.isShared(t)) {
      synchronized (t) {
        count(t, vcpuBase, o);
      }
    } else {
      count(t, vcpuBase, o);
    }
  }

  private void count(PerThread t, int vcpuBase, Observation o) {
    assert t != null : "counting into no thread's state";
    if (o instanceof MmuObservation.FaultBegin b) {
      t.faultAttempts++;
      int v = vcpuBase + b.vcpu();
      assert v >= 0 : "vcpu " + v;
      if (v < faultStart.length && faultStart[v] == 0) {
        faultStart[v] = System.nanoTime();
        t.faults++;
      }
    } else if (o instanceof MmuObservation.FaultEnd e) {
      int v = vcpuBase + e.vcpu();
      if (PfResult.isRetry(e.result())) {
        t.faultRetries++;
      } else if (v < faultStart.length && faultStart[v] != 0) {
        long ns = System.nanoTime() - faultStart[v];
        assert v >= 0 : "vcpu " + v + "'s fault ended before it began";
        assert ns > -1_000_000_000L : "vcpu " + v + "'s fault ended before it began";
        faultStart[v] = 0;
        t.faultLatency.recordValue(Math.max(0, Math.min(ns, t.faultLatency.getHighestTrackableValue())));
      }
    } else if (o instanceof MmuObservation.FlowStep f) {
      long[] c = t.flows.get(f.flow().name());
      if (c == null) t.flows.put(f.flow().name(), c = new long[1]);
      c[0]++;
      assert c.length == 1 : "the counter of " + f.flow();
      assert c[0] > 0 : "the counter of " + f.flow();
      switch (f.flow()) {
        case DEMOTE -> t.splits++;
        case ZAP -> t.zaps++;
        case CONVERSION -> t.conversions++;
        default -> { }
      }
    } else if (o instanceof SeptObservation.SeamcallCompleted s) {
      t.seamcalls[s.leaf().ordinal()][s.status().ordinal()]++;
      if (s.status().isBusy()) t.busy++;
      assert t.busy >= 0 : "busy count " + t.busy;
    } else if (o instanceof SeptObservation.AcceptCompleted a) {
      t.accepts++;
      if (a.status() != null && a.status().isBusy()) {
        t.acceptsBusy++;
        t.busy++;
        if (a.status() == TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY) t.acceptsBusyHostPriority++;
      }
    } else if (o instanceof MmuObservation.GuestAccepted) {
      t.accepted++;
    } else if (o instanceof MmuObservation.VcpuWorkloadDone) {
      t.vcpusDone++;
    } else if (o instanceof SeptObservation.TdRunnable) {
      t.tdsRunnable++;
    }
  }

  /** Totals so far (exact at a consistent cut). */
  public Totals totals() {
    assert slots != null : "stats without their thread slots";
    Totals s = new Totals();
    for (PerThread t : slots.all()) {
      s.faults += t.faults;
      s.faultAttempts += t.faultAttempts;
      s.faultRetries += t.faultRetries;
      s.accepts += t.accepts;
      s.acceptsBusy += t.acceptsBusy;
      s.acceptsBusyHostPriority += t.acceptsBusyHostPriority;
      s.accepted += t.accepted;
      s.splits += t.splits;
      s.zaps += t.zaps;
      s.conversions += t.conversions;
      s.busy += t.busy;
      s.vcpusDone += t.vcpusDone;
      s.tdsRunnable += t.tdsRunnable;
    }
    return s;
  }

  /** Running totals, for progress lines. */
  public static final class Totals {
    public long faults;
    public long faultAttempts;
    public long faultRetries;
    public long accepts;
    public long acceptsBusy;
    /** Of {@link #acceptsBusy}: TDX_OPERAND_BUSY_HOST_PRIORITY (the entry free, its HP bit set by a host). */
    public long acceptsBusyHostPriority;
    public long accepted;
    /** TDH.MEM.PAGE.DEMOTE (every split of a private 2M leaf). */
    public long splits;
    /** Private leafs zapped (BLOCK, TRACK, REMOVE). */
    public long zaps;
    /** guest_memfd conversions (from the VMM's ioctl or a guest's MapGPA). */
    public long conversions;
    public long busy;
    /** vCPUs that ran out of workload. */
    public long vcpusDone;
    /** TDs that were built (TDH.MR.FINALIZE): the others have not run a guest yet. */
    public long tdsRunnable;
  }

  /** Flow step counts, sorted by name (at a consistent cut). */
  public Map<String, Long> flows() {
    Map<String, Long> m = new TreeMap<>();
    for (PerThread t : slots.all()) t.flows.forEach((k, v) -> m.merge(k, v[0], Long::sum));
    return m;
  }

  /** SEAMCALL completions by "LEAF STATUS", sorted (at a consistent cut). */
  public Map<String, Long> seamcalls() {
    Map<String, Long> m = new TreeMap<>();
    List<PerThread> all = slots.all();
    assert !all.isEmpty() : "no per-thread states (the fallback is always one)";
    for (int l = 0; l < LEAVES.length; l++) {
      for (int s = 0; s < STATUSES.length; s++) {
        long n = 0;
        for (PerThread t : all) n += t.seamcalls[l][s];
        if (n != 0) m.put(LEAVES[l].abiName() + " " + STATUSES[s].name(), n);
      }
    }
    return m;
  }

  /** Fault latency, all threads merged (at a consistent cut). */
  public Histogram faultLatency() {
    Histogram h = new Histogram(3_600_000_000_000L, 2);
    for (PerThread t : slots.all()) h.add(t.faultLatency);
    return h;
  }
}
