package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.List;
import tdxsim.actors.monitor.Violation;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;

/**
 * Checks deferred to a delivery boundary ({@link InvariantChecker#check()}), for the entries touched since.
 *
 * <p><b>At rest</b>, precisely: an entry is at rest at a delivery boundary (all observations of one message
 * handling applied) when neither its mirror SPTE nor its parent's is FROZEN and no actor holds mmu_lock exclusively
 * (a split under the read lock, NON-BLOCKING-RESIZE's, freezes the huge SPTE while the S-EPT children appear). Why this is
 * exact enough: under the shared lock every mirror change is freeze -> external op -> set, so the two sides may
 * only disagree while FROZEN [S5-02]; under the exclusive lock {@code tdp_mmu_set_spte} writes the SPTE first and
 * calls remove/split_external_spte after, so they disagree until the flow ends, and it always ends before the
 * lock is released [P3-08]. An entry touched while not at rest is checked at the first boundary where it is
 * (a frozen entry is re-marked when it unfreezes). Before TD_STATE_RUNNABLE a mirror leaf may face a FREE S-EPT
 * entry: it is "pre-mapped" until PAGE.ADD [2.1 step 6]; every entry is re-checked at TDH.MR.FINALIZE.
 *
 * <p>Structure (S-EPT child present => parent a present non-leaf) is checked at every boundary regardless of
 * locks: the module keeps it within each SEAMCALL. TDX refs (v1 option) are checked at rest over the folio's
 * ranges (no frozen SPTE there), because v1 adds refs inside the freeze and puts them inside the zap [P1-08].
 */
final class RestChecks {
  private final ArrayList<Entry> rest = new ArrayList<>();
  private final ArrayList<Entry> struct = new ArrayList<>();
  /**
   * A queue longer than this is trimmed once drained: TDH.MR.FINALIZE queues every entry of the TD, and the two
   * arrays then kept their 1,300 slots each for the TD's life (a heap dump at 10,000 vCPUs). A split's 512 entries
   * stay below it: trimmed after each, the queue's regrowth was 1% of all bytes allocated (JFR).
   */
  private static final int TRIM_ABOVE = 1024;

  void markRest(Entry e) {
    assert e != null : "markRest of no entry";
    if (!e.restDirty) {
      e.restDirty = true;
      rest.add(e);
      assert e.restDirty : e.where() + " queued for the rest check but not marked";
    }
  }

  void markStruct(Entry e) {
    assert e != null : "markStruct of no entry";
    if (!e.structDirty) {
      e.structDirty = true;
      struct.add(e);
      assert e.structDirty : e.where() + " queued for the structure check but not marked";
    }
  }

  /** TDH.MR.FINALIZE: every known entry must now agree without the pre-mapped exception. */
  void markAll(PageTables pt) {
    assert pt != null : "markAll of no page tables";
    for (Range2M r : pt.ranges()) {
      if (r.e2m != null) markRest(r.e2m);
      if (!r.has4kEntries()) continue;
      for (int i = 0; i < Range2M.PAGES; i++) {
        Entry e = r.e4kIfAny(i);
        if (e != null) markRest(e);
      }
    }
    for (Entry h : pt.hugeEntries()) markRest(h);
    assert rest.size() >= 0 : "the rest queue";
  }

  void flush(GlobalState g) {
    assert g != null : "flush of no state";
    if (!struct.isEmpty()) {
      for (Entry e : struct) {
        e.structDirty = false;
        checkStructure(g, e);
      }
      int n = struct.size();
      struct.clear();
      if (n > TRIM_ABOVE) struct.trimToSize();
      assert struct.isEmpty() : "the structure queue not drained";
    }
    if (g.locks.exclusiveHeld()) return;
    if (!g.unflushed.isEmpty()) checkFlushed(g);
    if (!rest.isEmpty()) {
      List<Entry> later = new ArrayList<>();
      for (Entry e : rest) {
        Entry parent = g.pt.parent(e);
        if (parent != null && parent.isFrozen()) { // a split under the read lock: its children appear first
          later.add(e);
          continue;
        }
        e.restDirty = false;
        if (!e.isFrozen()) checkAgreement(g, e);
        if (e.level == Level.PG_LEVEL_4K) g.pt.range(e.gfn).pack(e); // checked: a byte until looked up again
      }
      int n = rest.size();
      rest.clear();
      rest.addAll(later);
      if (n > TRIM_ABOVE) rest.trimToSize();
      assert rest.size() == later.size() : "the rest queue holds " + rest.size() + ", deferred " + later.size();
    }
    if (g.folios.refsObserved && !g.folios.refsDirty().isEmpty()) checkRefs(g);
  }

  /**
   * A page removed from the S-EPT still holds cache lines written with the TD's private key until
   * TDH.PHYMEM.PAGE.WBINVD flushes them; the zap does it before it returns (tdh_phymem_page_wbinvd_hkid), so once
   * no one holds mmu_lock exclusively none may be left, or the host could reuse the page with them [domain 2.3 step 4].
   */
  private static void checkFlushed(GlobalState g) {
    assert !g.unflushed.isEmpty() : "checkFlushed with the write lock held";
    assert !g.locks.exclusiveHeld() : "checkFlushed with the write lock held";
    long k = g.unflushed.iterator().next();
    long gfn = k >>> 2;
    Level l = Level.values()[(int) (k & 3)];
    Entry e = g.pt.peek(gfn, l);
    g.v.report(Invariant.TDX_REMOVED_PAGE_FLUSHED, "page " + l.shortName() + " " + Violation.hex(gfn)
        + " was removed from the S-EPT but not flushed with TDH.PHYMEM.PAGE.WBINVD before mmu_lock was released",
        e == null ? List.of() : actors(e), gfn);
    g.unflushed.clear();
    assert g.unflushed.isEmpty() : "unflushed pages left after their report";
  }

  static void checkAgreement(GlobalState g, Entry e) {
    assert !e.isFrozen() : "agreement of the FROZEN " + e.where() + " checked";
    if (!g.pt.mirrorCovers(e.level) || !g.pt.septCovers(e.level)) return;
    Spte m = e.spte;
    SeptState s = e.sept;
    boolean ok;
    if (m == null) ok = !Entry.present(s);
    else if (m.isLeaf()) ok = s == SeptState.MAPPED || s == SeptState.PENDING || (!g.td.runnable() && s == SeptState.FREE);
    else ok = s == SeptState.NL_MAPPED;
    if (!ok) {
      java.util.LinkedHashSet<String> who = new java.util.LinkedHashSet<>(actors(e));
      who.addAll(g.locks.sharedHolders());
      g.v.report(Invariant.SEPT_MIRROR_AGREEMENT, "at rest the mirror SPTE at " + e.where() + " is "
          + Entry.spteName(m) + " but the S-EPT entry is " + s, List.copyOf(who), e.gfn);
    }
  }

  static void checkStructure(GlobalState g, Entry e) {
    assert e != null : "structure of no entry";
    assert e.sept != null : "structure of no entry";
    Level l = e.level;
    if (l != Level.PG_LEVEL_1G && Entry.present(e.sept) && g.pt.septCovers(l.upper())) {
      Entry p = g.pt.parent(e);
      SeptState ps = p == null ? SeptState.FREE : p.sept;
      if (!ps.isNonLeaf()) {
        g.v.report(Invariant.SEPT_PARENT_PRESENT, "S-EPT entry " + e.where() + " is " + e.sept + " but its "
            + l.upper().shortName() + " parent is " + ps, actors(e), e.gfn);
      }
    }
    if (e.septChildren > 0 && !e.sept.isNonLeaf() && g.pt.septCovers(l)) {
      g.v.report(Invariant.SEPT_PARENT_PRESENT, "S-EPT entry " + e.where() + " is " + e.sept + " with "
          + e.septChildren + " present children", actors(e), e.gfn);
    }
  }

  private void checkRefs(GlobalState g) {
    assert g.folios.refsObserved : "TDX refs checked though never observed";
    List<FolioTracker.Folio> d = g.folios.refsDirty();
    int keep = 0;
    for (int i = 0; i < d.size(); i++) {
      FolioTracker.Folio f = d.get(i);
      if (anyFrozen(g, f)) {
        d.set(keep++, f);
        continue;
      }
      f.refsDirty = false;
      if (g.folios.containing(f.pfn) != f) continue; // freed or replaced since
      long expect = FolioTracker.mappedPages(g.pt, f);
      if (f.refs != expect && !(g.bugged && f.refs > expect)) { // a dead VM's leaked refs stay [LNX tdx.c]
        g.v.report(Invariant.GMEM_TDX_REFS_BALANCED, "folio pfn " + Violation.hex(f.pfn) + " ("
            + f.order.shortName() + " at gfn " + Violation.hex(f.gfn) + ") has " + f.refs
            + " TDX refs but live S-EPT leaves map " + expect + " of its pages", f.gfn);
      }
    }
    d.subList(keep, d.size()).clear();
    assert d.size() == keep : "the refs-dirty queue holds " + d.size() + ", deferred " + keep;
  }

  private static boolean anyFrozen(GlobalState g, FolioTracker.Folio f) {
    assert g.frozen1g >= 0 : g.frozen1g + " FROZEN 1G SPTEs";
    if (g.frozen1g > 0) return true;
    for (long b = f.gfn & ~(Range2M.PAGES - 1L); b < f.end(); b += Range2M.PAGES) {
      Range2M r = g.pt.peekRange(b);
      if (r != null && r.frozen > 0) return true;
    }
    return false;
  }

  static List<String> actors(Entry e) {
    assert e != null : "the actors of no entry";
    return e.lastCaller == null ? List.of() : List.of(e.lastCaller);
  }
}
