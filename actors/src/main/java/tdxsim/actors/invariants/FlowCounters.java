package tdxsim.actors.invariants;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tdxsim.actors.monitor.Flow;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxStatus;

/**
 * Flow counters for {@code explore --json}: a fixed summary first (AUG 2M/4K, DEMOTE, REMOVE, BUSY, faults,
 * ACCEPTs, conversions, punch holes), then every {@code FlowStep} name and every SEAMCALL leaf/level/status seen,
 * sorted, so the map's order is the same for every run. Counting is array increments; strings are built only
 * when the map is asked for.
 */
public final class FlowCounters {
  /** values() copies its array on every call, and the progress line asks for the counts often. */
  private static final Level[] LEVELS = Level.values();
  private final long[][][] seamcalls =
      new long[SeamcallLeaf.values().length][Level.values().length][TdxStatus.values().length];
  private final Map<String, long[]> flows = new LinkedHashMap<>();
  private final Map<String, long[]> conversions = new LinkedHashMap<>();
  long faults;
  long faultRetries;
  long accepts;
  long acceptExits;
  long acceptBusy;
  long guestAccepted;
  long mirrorInstalls;
  long mirrorZaps;
  long mirrorSplits;
  long kvmBugOns;
  long fromMismatches;
  /** Expected violations per {@link Invariant} (ordinal): counted, not fatal; {@code expected.<id>} when > 0. */
  final long[] expected = new long[Invariant.values().length];

  /** Adds {@code o}'s counts to these: how totals over many schedules are kept without a map per schedule. */
  public void add(FlowCounters o) {
    assert o != null && o != this : "flow counters added to themselves";
    for (int i = 0; i < seamcalls.length; i++) {
      for (int j = 0; j < seamcalls[i].length; j++) {
        long[] to = seamcalls[i][j];
        long[] from = o.seamcalls[i][j];
        for (int k = 0; k < to.length; k++) to[k] += from[k];
      }
    }
    addAll(flows, o.flows);
    addAll(conversions, o.conversions);
    faults += o.faults;
    faultRetries += o.faultRetries;
    accepts += o.accepts;
    acceptExits += o.acceptExits;
    acceptBusy += o.acceptBusy;
    guestAccepted += o.guestAccepted;
    mirrorInstalls += o.mirrorInstalls;
    mirrorZaps += o.mirrorZaps;
    mirrorSplits += o.mirrorSplits;
    kvmBugOns += o.kvmBugOns;
    fromMismatches += o.fromMismatches;
    for (int i = 0; i < expected.length; i++) expected[i] += o.expected[i];
    assert faults >= o.faults && accepts >= o.accepts : "flow counters went back in a sum";
  }

  private static void addAll(Map<String, long[]> to, Map<String, long[]> from) {
    for (Map.Entry<String, long[]> e : from.entrySet()) {
      long[] c = to.computeIfAbsent(e.getKey(), k -> new long[e.getValue().length]);
      assert c.length == e.getValue().length : e.getKey() + ": counters of " + c.length + " and " + e.getValue().length;
      for (int i = 0; i < c.length; i++) c[i] += e.getValue()[i];
    }
  }

  void seamcall(SeamcallLeaf leaf, Level level, TdxStatus status) {
    assert leaf != null : "a SEAMCALL count of " + leaf + " " + level;
    assert level != null : "a SEAMCALL count of " + leaf + " " + level;
    assert status != null : "a SEAMCALL count of " + leaf + " " + level;
    seamcalls[leaf.ordinal()][level.ordinal()][status.ordinal()]++;
  }

  void flow(Flow flow) {
    assert flow != null : "a count of no flow";
    long[] c = flows.get(flow.name());
    if (c == null) flows.put(flow.name(), c = new long[1]);
    c[0]++;
    assert c.length == 1 : "the counter of " + flow;
    assert c[0] > 0 : "the counter of " + flow;
  }

  void conversion(String kind, boolean ok) {
    assert kind != null : "a count of no conversion kind";
    long[] c = conversions.get(kind);
    if (c == null) conversions.put(kind, c = new long[2]);
    c[ok ? 0 : 1]++;
    assert c.length == 2 : "the counters of " + kind;
    assert c[ok ? 0 : 1] > 0 : "the counters of " + kind;
  }

  private long sc(SeamcallLeaf leaf, Level level, TdxStatus status) {
    assert seamcalls[leaf.ordinal()][level.ordinal()][status.ordinal()] >= 0 : "a negative SEAMCALL count";
    return seamcalls[leaf.ordinal()][level.ordinal()][status.ordinal()];
  }

  private long sc(SeamcallLeaf leaf, TdxStatus status) {
    long n = 0;
    for (Level l : LEVELS) n += sc(leaf, l, status);
    assert n >= 0 : "a negative SEAMCALL total of " + leaf;
    return n;
  }

  private long busy() {
    long n = 0;
    for (SeamcallLeaf leaf : SeamcallLeaf.values()) {
      for (Level l : LEVELS) {
        n += sc(leaf, l, TdxStatus.TDX_OPERAND_BUSY) + sc(leaf, l, TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY);
      }
    }
    return n;
  }

  /** The summary keys, always present, in this order, before the sorted details. */
  static final java.util.List<String> SUMMARY_KEYS = java.util.List.of("aug.2m", "aug.4k", "page_add", "sept_add",
      "demote", "demote.interrupted", "remove.2m", "remove.4k", "block", "track", "promote", "seamcall.busy",
      "faults", "fault.retries", "accepts", "accept.exits", "accept.busy", "accept.accepted", "mirror.installs",
      "mirror.splits", "mirror.zaps", "conversions", "conversions.failed", "punch_holes", "punch_holes.failed",
      "kvm_bug_on", "monitor.from_mismatch");

  /** The ordered counter map. */
  public Map<String, Long> snapshot() {
    assert faults >= faultRetries : faults + " faults with " + faultRetries + " retries";
    assert accepts >= acceptExits + acceptBusy : accepts + " ACCEPTs, " + acceptExits + " exits, " + acceptBusy + " busy";
    Map<String, Long> m = new LinkedHashMap<>();
    TdxStatus ok = TdxStatus.TDX_SUCCESS;
    m.put("aug.2m", sc(SeamcallLeaf.TDH_MEM_PAGE_AUG, Level.PG_LEVEL_2M, ok));
    m.put("aug.4k", sc(SeamcallLeaf.TDH_MEM_PAGE_AUG, Level.PG_LEVEL_4K, ok));
    m.put("page_add", sc(SeamcallLeaf.TDH_MEM_PAGE_ADD, ok));
    m.put("sept_add", sc(SeamcallLeaf.TDH_MEM_SEPT_ADD, ok));
    m.put("demote", sc(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, ok));
    m.put("demote.interrupted", sc(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, TdxStatus.TDX_INTERRUPTED_RESTARTABLE));
    m.put("remove.2m", sc(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, Level.PG_LEVEL_2M, ok));
    m.put("remove.4k", sc(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, Level.PG_LEVEL_4K, ok));
    m.put("block", sc(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, ok));
    m.put("track", sc(SeamcallLeaf.TDH_MEM_TRACK, ok));
    m.put("promote", sc(SeamcallLeaf.TDH_MEM_PAGE_PROMOTE, ok));
    m.put("seamcall.busy", busy());
    m.put("faults", faults);
    m.put("fault.retries", faultRetries);
    m.put("accepts", accepts);
    m.put("accept.exits", acceptExits);
    m.put("accept.busy", acceptBusy);
    m.put("accept.accepted", guestAccepted);
    m.put("mirror.installs", mirrorInstalls);
    m.put("mirror.splits", mirrorSplits);
    m.put("mirror.zaps", mirrorZaps);
    long conv = 0, convFailed = 0, punch = 0, punchFailed = 0;
    for (Map.Entry<String, long[]> e : conversions.entrySet()) {
      if (ConversionTracker.targetOf(e.getKey()) == ConversionTracker.Target.PUNCH_HOLE) {
        punch += e.getValue()[0];
        punchFailed += e.getValue()[1];
      } else {
        conv += e.getValue()[0];
        convFailed += e.getValue()[1];
      }
    }
    m.put("conversions", conv);
    m.put("conversions.failed", convFailed);
    m.put("punch_holes", punch);
    m.put("punch_holes.failed", punchFailed);
    m.put("kvm_bug_on", kvmBugOns);
    m.put("monitor.from_mismatch", fromMismatches);
    if (!m.keySet().equals(new java.util.LinkedHashSet<>(SUMMARY_KEYS))) {
      throw new IllegalStateException("SUMMARY_KEYS out of date: " + m.keySet());
    }
    Map<String, Long> detail = new TreeMap<>();
    for (Invariant i : Invariant.values()) {
      if (expected[i.ordinal()] > 0) detail.put("expected." + i.id(), expected[i.ordinal()]);
    }
    for (Map.Entry<String, long[]> e : flows.entrySet()) detail.put("flow." + e.getKey(), e.getValue()[0]);
    for (Map.Entry<String, long[]> e : conversions.entrySet()) {
      detail.put("conversion." + e.getKey() + ".ok", e.getValue()[0]);
      detail.put("conversion." + e.getKey() + ".failed", e.getValue()[1]);
    }
    for (SeamcallLeaf leaf : SeamcallLeaf.values()) {
      for (Level l : LEVELS) {
        for (TdxStatus s : TdxStatus.values()) {
          long n = sc(leaf, l, s);
          if (n != 0) detail.put("seamcall." + leaf.abiName() + "." + l.shortName() + "." + shortStatus(s), n);
        }
      }
    }
    m.putAll(detail);
    return m;
  }

  private static String shortStatus(TdxStatus s) {
    assert s != null : "short name of no status";
    return s.name().startsWith("TDX_") ? s.name().substring(4) : s.name();
  }
}
