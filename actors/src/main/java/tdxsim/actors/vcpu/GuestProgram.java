package tdxsim.actors.vcpu;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.GuestAccepted;
import tdxsim.actors.monitor.MmuObservation.GuestDataLost;
import tdxsim.actors.monitor.MmuObservation.GuestPanic;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.Level;
import tdxsim.protocol.TdxStatus;

/**
 * The guest program of one vCPU: runs its workload steps one operation at a time and reacts to the outcomes
 * (TDCALL status, access result, #VE, MapGPA completion). Pure bookkeeping; the {@link Vcpu} actor carries the
 * operations to the TDX module and back.
 */
final class GuestProgram {
  private final int vcpu;
  private final List<WorkloadStep> steps;
  private final Monitor monitor;
  private final GuestMemoryView mem;
  /** The guest's max_retries_per_page of tdx_map_gpa. */
  private static final int MAPGPA_MAX_RETRIES_PER_PAGE = 3;
  /** At most two (a #VE's ACCEPT on a touch): sized so, not to the default 16 slots each vCPU would hold. */
  private final ArrayDeque<Task> tasks = new ArrayDeque<>(2);
  private static final Level[] LEVELS = Level.values();
  /**
   * [start, end) of the MapGPAs to shared that failed: set_memory_decrypted failed and its caller leaks the pages
   * (dma_direct_alloc: goto out_leak_pages); nothing calls set_memory_encrypted on them, so a later step that would
   * convert them back (and re-ACCEPT pages the guest still holds) is not run.
   */
  private final List<long[]> leaked = new ArrayList<>();
  private int nextStep;
  private boolean dead;

  GuestProgram(int vcpu, List<WorkloadStep> steps, GuestMemoryView mem, Monitor monitor) {
    assert vcpu >= 0 && mem != null && monitor != null : "guest program of vcpu " + vcpu;
    this.vcpu = vcpu;
    this.steps = List.copyOf(steps);
    this.mem = mem;
    this.monitor = monitor;
  }

  /** What the guest does next (the same answer until an outcome is reported). */
  GuestAction current() {
    if (dead) return new GuestAction.Dead();
    while (true) {
      assert nextStep >= 0 && nextStep <= steps.size() : "step " + nextStep + " of " + steps.size();
      while (!tasks.isEmpty() && tasks.peek().finished()) tasks.pop();
      assert tasks.size() <= 2 : "only a #VE's ACCEPT stacks on a touch: " + tasks;
      if (!tasks.isEmpty()) return tasks.peek().action();
      if (nextStep == steps.size()) return new GuestAction.Finished();
      WorkloadStep s = steps.get(nextStep++);
      if (!leakedWayBack(s)) tasks.push(taskFor(s));
    }
  }

  private boolean leakedWayBack(WorkloadStep s) {
    if (!(s instanceof WorkloadStep.MapGpa m) || m.toShared()) return false;
    for (long[] r : leaked) if (m.gfn() < r[1] && r[0] < m.end()) return true;
    return false;
  }

  private Task taskFor(WorkloadStep s) {
    assert s != null && tasks.isEmpty() : "a workload step started over " + tasks;
    if (s instanceof WorkloadStep.Accept a) return new AcceptTask(a.gfn(), a.end(), a.maxLevel(), a.style());
    if (s instanceof WorkloadStep.Touch t) return new TouchTask(t.gfn(), t.end());
    if (s instanceof WorkloadStep.MapGpa m) return new MapGpaTask(m.gfn(), m.end(), m.toShared());
    assert s instanceof WorkloadStep.Prefetch : "an unknown workload step " + s;
    WorkloadStep.Prefetch p = (WorkloadStep.Prefetch) s;
    return new PrefetchTask(p.gfn(), p.end());
  }

  void onTdcallReturn(TdxStatus status) {
    assert tasks.peek() instanceof AcceptTask : "TDG.MEM.PAGE.ACCEPT returned during " + tasks.peek();
    assert !dead && status != null : "a TDCALL returned to a dead guest: " + status;
    ((AcceptTask) tasks.peek()).onStatus(status);
  }

  void onAccessOk() {
    assert tasks.peek() instanceof TouchTask : "an access completed without a TouchTask in flight: " + tasks.peek();
    assert !tasks.peek().finished() : "an access past the end of its touch";
    assert !dead : "vcpu-" + vcpu + ": a dead guest's access completed";
    ((TouchTask) tasks.peek()).cur++;
  }

  /** #VE on the access: the page is PENDING. */
  void onVirtualizationException() {
    assert tasks.peek() instanceof TouchTask : "#VE without a TouchTask in flight: " + tasks.peek();
    TouchTask t = (TouchTask) tasks.peek();
    assert t.cur < t.end : "#VE past the end of the touch at " + t.cur;
    assert !dead : "vcpu-" + vcpu + ": #VE in a dead guest";
    if (mem.isAccepted(t.cur)) {
      monitor.observe(new GuestDataLost(vcpu, t.cur));
      mem.forget(t.cur, 1);
    }
    // The #VE handler of a touch-first guest accepts the page at 4K; then the access is retried.
    tasks.push(new AcceptTask(t.cur, t.cur + 1, Level.PG_LEVEL_4K, WorkloadStep.AcceptStyle.TOLERANT));
  }

  /**
   * KVM had to install a new leaf (RET_PF_FIXED) for the guest's plain access to {@code gfn}: if the guest had
   * accepted that page (and not converted it since), its data was removed from the S-EPT (with SEPT_VE_DISABLE set
   * the guest sees an EPT violation, not a #VE).
   */
  void onAccessFaultInstalled(long gfn) {
    assert tasks.peek() instanceof TouchTask : "a plain access fault without a TouchTask in flight: " + tasks.peek();
    assert !dead && gfn >= 0 : "vcpu-" + vcpu + ": a fault installed for a dead guest at " + gfn;
    if (mem.isAccepted(gfn)) {
      monitor.observe(new GuestDataLost(vcpu, gfn));
      mem.forget(gfn, 1);
    }
  }

  /**
   * The TDVMCALL returned (arch/x86/coco/tdx/tdx.c tdx_map_gpa): SUCCESS ends the call; RETRY with R11 inside
   * [start, end) retries from R11, at most 3 times in a row without progress; anything else fails
   * set_memory_decrypted()/set_memory_encrypted(), and the guest keeps its view of the pages.
   */
  void onMapGpaReturn(MapGpaCall.Result r) {
    assert tasks.peek() instanceof MapGpaTask : "the MapGPA TDVMCALL returned during " + tasks.peek();
    MapGpaTask m = (MapGpaTask) tasks.peek();
    assert r != null && m.first <= m.start && m.start < m.end : "MapGPA task [" + m.start + ", " + m.end + ")";
    assert !dead : "vcpu-" + vcpu + ": the MapGPA TDVMCALL returned to a dead guest";
    if (r.status() == MapGpaCall.Status.RETRY && r.r11() >= m.start && r.r11() < m.end
        && (r.r11() != m.start || ++m.retries < MAPGPA_MAX_RETRIES_PER_PAGE)) {
      if (r.r11() != m.start) m.retries = 0;
      m.start = r.r11();
      assert m.retries >= 0 && m.retries < MAPGPA_MAX_RETRIES_PER_PAGE : "retries " + m.retries;
      return;
    }
    tasks.pop();
    if (r.status() != MapGpaCall.Status.SUCCESS) {
      monitor.observe(new FlowStep(Flow.MAPGPA_FAILED, m.start, Level.PG_LEVEL_4K));
      if (m.toShared) leaked.add(new long[] {m.first, m.end});
      return;
    }
    mem.forget(m.first, m.end - m.first);
    if (!m.toShared) {
      tasks.push(new AcceptTask(m.first, m.end, Level.PG_LEVEL_1G, WorkloadStep.AcceptStyle.LINUX));
    }
  }

  void onPrefetchDone() {
    assert tasks.peek() instanceof PrefetchTask : "the prefetch ioctl returned during " + tasks.peek();
    assert !dead : "a prefetch returned to a dead guest";
    tasks.pop();
  }

  boolean dead() {
    return dead;
  }

  // ------------------------------------------------------------------------------------------ tasks

  private interface Task {
    boolean finished();

    GuestAction action();
  }

  /** tdx_accept_memory over [cur, end), or a non-Linux guest's accept loop. */
  private final class AcceptTask implements Task {
    long cur;
    final long end;
    final Level maxLevel;
    final WorkloadStep.AcceptStyle style;
    /** The level being tried at {@code cur}, or null to start from the largest that fits. */
    Level tryLevel;
    /** The last action answered: asked for again (vcpu_run, then the guest) until an outcome moves the task on. */
    private GuestAction.AcceptOp asked;

    AcceptTask(long cur, long end, Level maxLevel, WorkloadStep.AcceptStyle style) {
      assert maxLevel != null && style != null : "an ACCEPT task without a level or style";
      this.cur = cur;
      this.end = end;
      this.maxLevel = maxLevel;
      this.style = style;
    }

    @Override
    public boolean finished() {
      return cur >= end;
    }

    @Override
    public GuestAction action() {
      if (tryLevel == null) tryLevel = largestFitting(cur, LEVELS[Math.min(maxLevel.ordinal(),
          style == WorkloadStep.AcceptStyle.LINUX ? Level.PG_LEVEL_1G.ordinal() : Level.PG_LEVEL_2M.ordinal())]);
      assert tryLevel.isAligned(cur) && end - cur >= tryLevel.pages() : "ACCEPT of " + cur + " at " + tryLevel
          + " outside its aligned range or past " + end;
      if (asked == null || asked.gfn() != cur || asked.level() != tryLevel) {
        asked = new GuestAction.AcceptOp(cur, tryLevel);
      }
      return asked;
    }

    /** try_accept_one's conditions: aligned and long enough. */
    private Level largestFitting(long gfn, Level from) {
      assert gfn < end : "no page left to accept at " + gfn;
      for (int i = from.ordinal(); i > 0; i--) {
        Level l = LEVELS[i];
        if (l.isAligned(gfn) && end - gfn >= l.pages()) return l;
      }
      return Level.PG_LEVEL_4K;
    }

    void onStatus(TdxStatus st) {
      assert !finished() && st != null : "an ACCEPT status after the range was done: " + st;
      boolean tolerant = style == WorkloadStep.AcceptStyle.TOLERANT;
      boolean ok = st == TdxStatus.TDX_SUCCESS || (tolerant && st == TdxStatus.TDX_PAGE_ALREADY_ACCEPTED);
      Level level = tryLevel;
      assert level != null : "TDG.MEM.PAGE.ACCEPT returned " + st + " at " + cur + " with no level tried";
      if (ok) {
        mem.accepted(cur, level.pages());
        monitor.observe(new GuestAccepted(vcpu, cur, level));
        monitor.observe(new FlowStep(Flow.accept(level), cur, level));
        cur += level.pages();
        tryLevel = null;
        assert cur <= end : "accepted past the end of the range: " + cur + " > " + end;
        return;
      }
      if (level != Level.PG_LEVEL_4K) {
        // Any non-zero status falls through to the next smaller size that fits (Linux), or to 4K.
        monitor.observe(new FlowStep(Flow.ACCEPT_FALLBACK, cur, level));
        tryLevel = tolerant ? Level.PG_LEVEL_4K : largestFitting(cur, level.lower());
        assert tryLevel.compareTo(level) < 0 : "the fallback from " + level + " did not go down";
        return;
      }
      if (tolerant && st.isBusy()) {
        monitor.observe(new FlowStep(Flow.ACCEPT_BUSY_RETRY, cur, level));
        return; // try the same page again
      }
      dead = true;
      monitor.observe(new GuestPanic(vcpu,
          (tolerant ? "ACCEPT failed: " : "TDX: Failed to accept memory: ") + st.name() + " " + st.hex(), cur));
    }
  }

  /** Touch [cur, end). */
  private static final class TouchTask implements Task {
    long cur;
    final long end;

    TouchTask(long cur, long end) {
      assert cur >= 0 : "a touch of gfn " + cur;
      this.cur = cur;
      this.end = end;
    }

    @Override
    public boolean finished() {
      return cur >= end;
    }

    @Override
    public GuestAction action() {
      assert cur < end : "an access past the touch at " + cur;
      return new GuestAction.AccessOp(cur);
    }
  }

  private static final class MapGpaTask implements Task {
    final long first;
    long start;
    final long end;
    final boolean toShared;
    int retries;

    MapGpaTask(long start, long end, boolean toShared) {
      assert start < end : "MapGPA of the empty range [" + start + ", " + end + ")";
      this.first = start;
      this.start = start;
      this.end = end;
      this.toShared = toShared;
    }

    @Override
    public boolean finished() {
      return false; // popped when the call returns for good
    }

    @Override
    public GuestAction action() {
      assert first <= start && start < end && retries >= 0 : "MapGPA resumes at " + start;
      return new GuestAction.MapGpaCall(start, end, toShared);
    }
  }

  private static final class PrefetchTask implements Task {
    final long start;
    final long end;

    PrefetchTask(long start, long end) {
      assert start < end : "KVM_PRE_FAULT_MEMORY of the empty range [" + start + ", " + end + ")";
      this.start = start;
      this.end = end;
    }

    @Override
    public boolean finished() {
      return false; // popped when the ioctl returns
    }

    @Override
    public GuestAction action() {
      return new GuestAction.PrefetchIoctl(start, end);
    }
  }
}
