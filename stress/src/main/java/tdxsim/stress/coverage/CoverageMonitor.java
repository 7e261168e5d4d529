package tdxsim.stress.coverage;

import java.util.HashMap;
import java.util.Map;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.GmemObservation;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeptState;

/**
 * One schedule's coverage: passes every observation on to the checker, then counts the tuples it completes into
 * the run's {@link Coverage}. It reads the observations the actors already publish, and sends nothing: no
 * scheduling choice of its own.
 */
public final class CoverageMonitor implements Monitor {
  private final Monitor checker;
  private final Coverage coverage;
  /** S-EPT entry state by (gfn, level) key, and the state an entry had before the SEAMCALL changing it now. */
  private final Map<Long, SeptState> sept = new HashMap<>();
  private final Map<Long, SeptState> before = new HashMap<>();
  private int shared;
  private int exclusive;
  private String conversion;
  private int invalidations;

  public CoverageMonitor(Monitor checker, Coverage coverage) {
    this.checker = checker;
    this.coverage = coverage;
  }

  @Override
  public void observe(Observation o) {
    checker.observe(o);
    if (o instanceof SeptObservation s) sept(s);
    else if (o instanceof MmuObservation m) mmu(m);
    else if (o instanceof GmemObservation g) gmem(g);
  }

  private static long key(long gfn, Level level) {
    return (gfn << 2) | level.ordinal();
  }

  private void sept(SeptObservation s) {
    if (s instanceof SeptObservation.SeptEntryChanged c) {
      before.putIfAbsent(key(c.gfn(), c.level()), c.from());
      sept.put(key(c.gfn(), c.level()), c.to());
    } else if (s instanceof SeptObservation.SeamcallCompleted c) {
      long k = key(c.gfn(), c.level());
      SeptState was = before.remove(k);
      if (was == null) was = sept.getOrDefault(k, SeptState.FREE);
      coverage.add("seamcall " + c.leaf() + " / " + was + " / " + c.status());
    } else if (s instanceof SeptObservation.AcceptCompleted a) {
      coverage.add("accept " + a.level() + " / mapped " + mappedAt(a.gfn()) + " / "
          + (a.status() == null ? "TD exit" : a.status()));
    }
  }

  private String mappedAt(long gfn) {
    SeptState huge = sept.get(key(gfn & ~511L, Level.PG_LEVEL_2M));
    if (leaf(huge)) return Level.PG_LEVEL_2M.toString();
    return leaf(sept.get(key(gfn, Level.PG_LEVEL_4K))) ? Level.PG_LEVEL_4K.toString() : "unmapped";
  }

  private static boolean leaf(SeptState s) {
    return s != null && s != SeptState.FREE && s != SeptState.REMOVED && s != SeptState.NL_MAPPED
        && s != SeptState.NL_BLOCKED;
  }

  private void mmu(MmuObservation m) {
    if (m instanceof MmuObservation.MmuLockChanged l) {
      int d = l.acquired() ? 1 : -1;
      if (l.mode() == LockMode.EXCLUSIVE) exclusive += d;
      else shared += d;
    } else if (m instanceof MmuObservation.FlowStep f) {
      coverage.add("flow " + f.flow() + " / " + (exclusive > 0 ? "exclusive" : shared > 0 ? "shared" : "unlocked"));
      if (f.flow() == Flow.STALE_RETRY && invalidations > 0) coverage.add("meets " + Coverage.MEETS[2]);
    } else if (m instanceof MmuObservation.InvalidateBegin) {
      invalidations++;
    } else if (m instanceof MmuObservation.InvalidateEnd) {
      invalidations--;
    } else if (m instanceof MmuObservation.SpteChanged c && conversion != null && c.from().isLeaf()
        && !c.to().isLeaf()) {
      coverage.add("meets " + (conversion.equals("punch-hole") ? Coverage.MEETS[0] : Coverage.MEETS[1]));
    } else if (m instanceof MmuObservation.SpteChanged c && invalidations > 0 && c.to().isLeaf()) {
      coverage.add("meets " + Coverage.MEETS[3]);
    }
  }

  private void gmem(GmemObservation g) {
    if (g instanceof GmemObservation.ConversionBegin b) conversion = b.kind();
    else if (g instanceof GmemObservation.ConversionEnd) conversion = null;
  }
}
