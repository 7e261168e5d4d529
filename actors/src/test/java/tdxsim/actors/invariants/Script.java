package tdxsim.actors.invariants;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tdxsim.actors.monitor.GmemObservation.AttributesChanged;
import tdxsim.actors.monitor.GmemObservation.ConversionBegin;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.monitor.GmemObservation.FolioChanged;
import tdxsim.actors.monitor.GmemObservation.FolioRefChanged;
import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.InvalidateBegin;
import tdxsim.actors.monitor.MmuObservation.InvalidateEnd;
import tdxsim.actors.monitor.MmuObservation.MmuLockChanged;
import tdxsim.actors.monitor.MmuObservation.SpteChanged;
import tdxsim.actors.monitor.MmuObservation.VcpuWorkloadDone;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation.AcceptCompleted;
import tdxsim.actors.monitor.SeptObservation.SeamcallCompleted;
import tdxsim.actors.monitor.SeptObservation.SeptEntryChanged;
import tdxsim.actors.monitor.SeptObservation.TdEpochAdvanced;
import tdxsim.actors.monitor.SeptObservation.TdRunnable;
import tdxsim.actors.monitor.SeptObservation.VcpuGuestMode;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Errno;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.RetPf;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdxStatus;

/**
 * A tiny DSL that emits the observation sequences the model's actors emit for the domain's flows (fault, ACCEPT,
 * zap, split, conversion), with a delivery boundary ({@link InvariantChecker#check()}) after every step, so tests
 * read like the flows in docs/domain-tdx-huge-pages.md section 2 and a violating variant differs by one line.
 */
final class Script {
  static final Level K4 = Level.PG_LEVEL_4K;
  static final Level M2 = Level.PG_LEVEL_2M;
  static final Level G1 = Level.PG_LEVEL_1G;
  /** 1G-aligned first gfn of the private range; range i is [R(i), R(i) + 512). */
  static final long BASE = 0x40000;
  static final long PFN0 = 0x100000;
  static final String GMEM = "gmem";

  final InvariantChecker c;
  final int vcpus;
  long epoch = 1;
  final Set<Integer> inGuest = new LinkedHashSet<>();
  private final Map<String, SeptState> sept = new HashMap<>();
  private final Map<String, Spte> spte = new HashMap<>();
  /** With the v1 folio-refcount option: emit folio_ref_add / folio_put_refs around AUG and REMOVE [P1-08]. */
  boolean refs;

  Script(int vcpus, Bounds bounds) {
    this.c = new InvariantChecker(vcpus, bounds);
    this.vcpus = vcpus;
  }

  Script(int vcpus) {
    this(vcpus, Bounds.DEFAULT);
  }

  static long R(int i) {
    return BASE + 512L * i;
  }

  static long pfn(long gfn) {
    return PFN0 + (gfn - BASE);
  }

  static String vcpu(int v) {
    return "vcpu-" + v;
  }

  // ------------------------------------------------------------------ raw
  Script obs(Observation o) {
    c.observe(o);
    return this;
  }

  Script step() {
    c.check();
    return this;
  }

  Optional<Violation> result() {
    return c.check();
  }

  /** Every vCPU leaves the guest and reports its workload done; then the quiescence checks. */
  Optional<Violation> finish() {
    for (int v : Set.copyOf(inGuest)) exit(v);
    for (int v = 0; v < vcpus; v++) obs(new VcpuWorkloadDone(v));
    step();
    return c.atQuiescence();
  }

  SeptState sept(long gfn, Level l) {
    return sept.getOrDefault(l.shortName() + gfn, SeptState.FREE);
  }

  Spte spte(long gfn, Level l) {
    return spte.getOrDefault(l.shortName() + gfn, Spte.SHADOW_NONPRESENT_VALUE);
  }

  Script setSept(long gfn, Level l, SeptState to) {
    obs(new SeptEntryChanged(gfn, l, sept(gfn, l), to));
    sept.put(l.shortName() + gfn, to);
    return this;
  }

  Script setSpte(long gfn, Level l, Spte to) {
    obs(new SpteChanged(gfn, l, spte(gfn, l), to));
    spte.put(l.shortName() + gfn, to);
    return this;
  }

  Script seamcall(SeamcallLeaf leaf, long gfn, Level l, TdxStatus st, String caller) {
    return obs(new SeamcallCompleted(leaf, gfn, l, st, caller));
  }

  Script lock(String owner, LockMode mode) {
    return obs(new MmuLockChanged(owner, mode, true)).step();
  }

  Script unlock(String owner, LockMode mode) {
    return obs(new MmuLockChanged(owner, mode, false)).step();
  }

  // ------------------------------------------------------------------ setup
  /** The module's 1G root, {@code ranges} 2M folios, all private; build time. */
  Script setup(int ranges) {
    setSept(BASE, G1, SeptState.NL_MAPPED);
    for (int i = 0; i < ranges; i++) obs(new FolioChanged(R(i), M2, pfn(R(i)), true));
    obs(new AttributesChanged(BASE, R(ranges), true));
    return step();
  }

  Script runnable() {
    seamcall(SeamcallLeaf.TDH_MR_FINALIZE, 0, K4, TdxStatus.TDX_SUCCESS, "vmm");
    return obs(new TdRunnable()).step();
  }

  Script enter(int v) {
    inGuest.add(v);
    return obs(new VcpuGuestMode(v, true, epoch)).step();
  }

  Script exit(int v) {
    inGuest.remove(v);
    return obs(new VcpuGuestMode(v, false, epoch)).step();
  }

  // ------------------------------------------------------------------ flows
  /** Private EPT-violation fault mapping gfn at level under the shared lock: freeze -> AUG -> set [2.1]. */
  Script fault(int v, long gfn, Level l) {
    String me = vcpu(v);
    obs(new FaultBegin(v, gfn)).step();
    lock(me, LockMode.SHARED);
    install(me, gfn, l);
    unlock(me, LockMode.SHARED);
    return obs(new FaultEnd(v, gfn, RetPf.RET_PF_FIXED)).step();
  }

  /** The body of a fault (caller holds the lock): SEPT.ADD the 2M non-leaf if needed, then AUG. */
  Script install(String me, long gfn, Level l) {
    long base = l.base(gfn);
    if (l == K4 && !sept(M2.base(gfn), M2).isNonLeaf()) {
      long b2 = M2.base(gfn);
      setSpte(b2, M2, Spte.FROZEN_SPTE).step();
      setSept(b2, M2, SeptState.NL_MAPPED).seamcall(SeamcallLeaf.TDH_MEM_SEPT_ADD, b2, M2, TdxStatus.TDX_SUCCESS, me)
          .step();
      setSpte(b2, M2, Spte.nonLeaf(0x9000 + b2)).step();
    }
    setSpte(base, l, Spte.FROZEN_SPTE).step();
    if (refs) obs(new FolioRefChanged(pfn(M2.base(base)), l.pages(), 0)); // refs field unused by the check
    setSept(base, l, SeptState.PENDING).seamcall(SeamcallLeaf.TDH_MEM_PAGE_AUG, base, l, TdxStatus.TDX_SUCCESS, me)
        .step();
    return setSpte(base, l, Spte.leaf(pfn(base))).step();
  }

  /** Guest ACCEPT that succeeds: PENDING -> MAPPED. */
  Script accept(int v, long gfn, Level l) {
    setSept(l.base(gfn), l, SeptState.MAPPED);
    return obs(new AcceptCompleted(v, l.base(gfn), l, TdxStatus.TDX_SUCCESS)).step();
  }

  /** BLOCK at (gfn, l), TRACK, kick every vCPU out [2.3 steps 1-2]. Caller holds the exclusive lock. */
  Script blockTrackKick(String me, long gfn, Level l) {
    setSept(gfn, l, blocked(sept(gfn, l))).seamcall(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, gfn, l, TdxStatus.TDX_SUCCESS,
        me).step();
    track(me);
    for (int v : Set.copyOf(inGuest)) exit(v);
    return this;
  }

  Script track(String me) {
    epoch++;
    return obs(new TdEpochAdvanced(epoch)).seamcall(SeamcallLeaf.TDH_MEM_TRACK, 0, K4, TdxStatus.TDX_SUCCESS, me)
        .step();
  }

  /**
   * Zap one private leaf (caller holds the exclusive lock): clear the SPTE, BLOCK, TRACK, kick, REMOVE, WBINVD
   * [2.3].
   */
  Script zapLocked(String me, long gfn, Level l) {
    setSpte(gfn, l, Spte.SHADOW_NONPRESENT_VALUE).step();
    blockTrackKick(me, gfn, l);
    setSept(gfn, l, SeptState.FREE).seamcall(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, gfn, l, TdxStatus.TDX_SUCCESS, me);
    seamcall(SeamcallLeaf.TDH_PHYMEM_PAGE_WBINVD, gfn, l, TdxStatus.TDX_SUCCESS, me);
    if (refs) obs(new FolioRefChanged(pfn(M2.base(gfn)), -l.pages(), 0));
    return step();
  }

  /** Split a 2M leaf under the exclusive lock (caller holds it): mirror first, then BLOCK/TRACK/DEMOTE [2.2]. */
  Script splitLocked(String me, long gfn2m) {
    setSpte(gfn2m, M2, Spte.nonLeaf(0x9000 + gfn2m));
    for (int i = 0; i < 512; i++) setSpte(gfn2m + i, K4, Spte.leaf(pfn(gfn2m + i)));
    step();
    blockTrackKick(me, gfn2m, M2);
    SeptState child = sept(gfn2m, M2).unblocked();
    setSept(gfn2m, M2, SeptState.NL_MAPPED);
    for (int i = 0; i < 512; i++) setSept(gfn2m + i, K4, child);
    return seamcall(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, gfn2m, M2, TdxStatus.TDX_SUCCESS, me).step();
  }

  Script split(String me, long gfn2m) {
    lock(me, LockMode.EXCLUSIVE);
    splitLocked(me, gfn2m);
    return unlock(me, LockMode.EXCLUSIVE);
  }

  /** Conversion / punch hole prologue: ConversionBegin, then invalidate_begin under the exclusive lock [2.4]. */
  Script begin(String kind, long start, long end) {
    obs(new ConversionBegin(kind, start, end)).step();
    lock(GMEM, LockMode.EXCLUSIVE);
    return obs(new InvalidateBegin(start, end, 0, 1)).step();
  }

  /** Conversion epilogue: release the lock, attributes (if any), invalidate_end, ConversionEnd. */
  Script end(String kind, long start, long end, Boolean toPrivate, boolean ok) {
    unlock(GMEM, LockMode.EXCLUSIVE);
    if (toPrivate != null) obs(new AttributesChanged(start, end, toPrivate)).step();
    obs(new InvalidateEnd(start, end, 1, 0)).step();
    return obs(new ConversionEnd(kind, start, end, ok, ok ? null : Errno.ENOMEM)).step();
  }

  static SeptState blocked(SeptState s) {
    return switch (s) {
      case NL_MAPPED -> SeptState.NL_BLOCKED;
      case MAPPED, BLOCKEDW -> SeptState.BLOCKED;
      case PENDING, PENDING_BLOCKEDW -> SeptState.PENDING_BLOCKED;
      default -> throw new IllegalArgumentException("cannot block " + s);
    };
  }
}
