package tdxsim.actors.invariants;

import java.util.List;
import tdxsim.actors.monitor.SeptObservation.SeptEntryChanged;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;

/**
 * Applies {@code SeptEntryChanged} to the S-EPT side and checks the module-level rules that follow from the
 * state change itself, whatever SEAMCALL caused it:
 * <ul>
 *   <li>leaving a leaf (REMOVE: leaf->FREE, DEMOTE: leaf->NL_MAPPED) or a non-leaf (PROMOTE: NL->leaf) on a
 *       RUNNABLE TD requires the entry BLOCKed at this level, a TRACK since (td_epoch > bepoch) and no vCPU still
 *       in the guest counted in an epoch <= bepoch [TDXM is_tlb_tracked; P3-08]; children released by PROMOTE
 *       are covered by their parent's block;</li>
 *   <li>PROMOTE needs 512 uniform children (snapshotted at the parent's BLOCK, since the module may report the
 *       children's release before or after the parent) [C1 Page merging];</li>
 *   <li>build time is 4K only, DEMOTE only when RUNNABLE [P1-09, P3-08];</li>
 *   <li>removing accepted data (MAPPED/BLOCKED -> FREE) outside any invalidation, conversion, punch hole or
 *       memslot deletion
 *       loses it [R6].</li>
 * </ul>
 */
final class SeptTracker {
  private final GlobalState g;

  SeptTracker(GlobalState g) {
    this.g = g;
  }

  void onSept(SeptEntryChanged o) {
    assert o != null : "an incomplete SeptEntryChanged";
    assert o.level() != null : "an incomplete SeptEntryChanged";
    assert o.from() != null : "an incomplete SeptEntryChanged";
    assert o.to() != null : "an incomplete SeptEntryChanged";
    Level l = o.level();
    long gfn = l.base(o.gfn());
    g.pt.sawSept(l);
    Entry e = g.pt.entry(gfn, l);
    assert e.gfn == gfn : "the entry of " + gfn + " at " + l + " is " + e.where();
    assert e.level == l : "the entry of " + gfn + " at " + l + " is " + e.where();
    if (!e.septSeen) {
      e.septSeen = true;
      if (e.sept == SeptState.FREE && o.from() != SeptState.FREE) setState(e, o.from());
    } else if (e.sept != o.from()) {
      g.counters.fromMismatches++;
    }
    SeptState prev = e.sept;
    SeptState to = o.to();
    setState(e, to);
    assert e.sept == to : e.where() + " is " + e.sept + " after the change to " + to;

    if (to.isBlocked() && !prev.isBlocked()) {
      e.bepoch = g.td.epoch();
      assert e.bepoch >= 1 : "BLOCK of " + e.where() + " stamped with the epoch " + e.bepoch;
      if (prev.isNonLeaf()) e.uniformAtBlock = uniform(e);
    }
    boolean removal = prev.isLeaf() && !Entry.present(to);
    boolean demote = prev.isLeaf() && to.isNonLeaf();
    boolean promote = prev.isNonLeaf() && to.isLeaf();
    assert !(removal && demote) : prev + " -> " + to;
    assert !(demote && promote) : prev + " -> " + to;
    assert !(removal && promote) : prev + " -> " + to;
    Entry parent = g.pt.parent(e);
    boolean releasedByPromote = removal && parent != null
        && (parent.sept == SeptState.NL_BLOCKED || parent.sept.isLeaf());
    boolean nonBlocking = demote && e.nonBlockingDemotes > 0 && !prev.isBlocked(); // NON-BLOCKING-RESIZE
    if ((removal || demote || promote) && g.td.runnable() && !releasedByPromote && !nonBlocking) {
      requireBlockedAndTracked(e, prev, removal ? "REMOVE" : demote ? "DEMOTE" : "PROMOTE");
    }
    if (demote && !g.td.runnable()) {
      g.v.report(Invariant.TDX_SPLIT_REQUIRES_RUNNABLE, "S-EPT leaf " + e.where()
          + " demoted before TD_STATE_RUNNABLE", RestChecks.actors(e), gfn);
    }
    if (promote) {
      boolean uniform = e.septChildren > 0 ? uniform(e) : prev == SeptState.NL_BLOCKED && e.uniformAtBlock;
      if (!uniform) {
        g.v.report(Invariant.TDX_PROMOTE_UNIFORM, "S-EPT non-leaf " + e.where() + " promoted to " + to
            + " over children that are not all MAPPED or all PENDING", RestChecks.actors(e), gfn);
      }
    }
    if (!prev.isLeaf() && to.isLeaf()) MappingChecks.leafInstalled(g, e, false, -1);
    if (removal) {
      g.conv.zapped(gfn, l.pages(), false);
      boolean accepted = prev == SeptState.MAPPED || prev == SeptState.BLOCKED || prev == SeptState.BLOCKEDW;
      long end = gfn + l.pages();
      if (accepted && !releasedByPromote && !g.inval.covers(gfn, end) && !g.conv.covers(gfn, l.pages())
          && !g.memslots.deleting(gfn)) { // a memslot deletion zaps without an invalidation [LNX kvm_main.c]
        g.v.report(Invariant.GUEST_DATA_LOST, "accepted private page " + e.where() + " removed (" + prev
            + " -> " + to + ") outside any invalidation, conversion or punch hole", RestChecks.actors(e), gfn);
      }
    }
    if (!to.isBlocked()) e.bepoch = -1;
    g.rest.markStruct(e);
    g.rest.markRest(e);
    if (g.folios.refsObserved) g.folios.markRefsDirty(g.pt, gfn, l.pages());
    assert e.invariant();
    assert l == Level.PG_LEVEL_1G || g.pt.peekRange(gfn).invariant();
  }

  /** Set the state keeping leaf counts and the parent's child counts exact. */
  private void setState(Entry e, SeptState to) {
    SeptState prev = e.sept;
    if (prev == to) return;
    e.sept = to;
    g.memslots.changed(e);
    assert e.sept == to : "setState of " + e.where() + " to " + to;
    assert to != null : "setState of " + e.where() + " to " + to;
    if (e.level == Level.PG_LEVEL_4K && prev.isLeaf() != to.isLeaf()) {
      Range2M r = g.pt.range(e.gfn);
      r.septLeaves4k += to.isLeaf() ? 1 : -1;
      assert r.septLeaves4k >= 0 && r.septLeaves4k <= Range2M.PAGES : r.septLeaves4k + " 4K S-EPT leaves in a 2M range";
    }
    if (e.level == Level.PG_LEVEL_1G) return;
    Level up = e.level.upper();
    Entry p = g.pt.entry(up.base(e.gfn), up);
    p.septChildren += (Entry.present(to) ? 1 : 0) - (Entry.present(prev) ? 1 : 0);
    p.childMapped += (to == SeptState.MAPPED ? 1 : 0) - (prev == SeptState.MAPPED ? 1 : 0);
    // MAPPED and PENDING children are present: 0 <= childMapped + childPending <= septChildren <= 512
    p.childPending += (to == SeptState.PENDING ? 1 : 0) - (prev == SeptState.PENDING ? 1 : 0);
    assert p.childMapped >= 0 && p.childPending >= 0 && p.childMapped + p.childPending <= p.septChildren
        && p.septChildren <= Range2M.PAGES : "child counts of " + p.where() + ": " + p.childMapped + " mapped, "
        + p.childPending + " pending of " + p.septChildren;
    if (Entry.present(to) != Entry.present(prev)) g.rest.markStruct(p);
  }

  private static boolean uniform(Entry e) {
    assert e.childMapped + e.childPending <= e.septChildren : "child counts of " + e.where();
    return e.childMapped == Range2M.PAGES || e.childPending == Range2M.PAGES;
  }

  private void requireBlockedAndTracked(Entry e, SeptState prev, String op) {
    assert g.td.runnable() : op + " of " + e.where() + " checked for TLB tracking on a TD not yet RUNNABLE";
    assert prev.isLeaf() || prev.isNonLeaf() : op + " of " + e.where() + " from " + prev;
    List<String> actors = RestChecks.actors(e);
    if (!prev.isBlocked()) {
      g.v.report(Invariant.TDX_DEMOTE_BLOCKED_TRACKED, op + " of S-EPT entry " + e.where() + " in state " + prev
          + ": not blocked by RANGE.BLOCK at this level", actors, e.gfn);
    } else if (e.bepoch >= g.td.epoch()) {
      g.v.report(Invariant.TDX_DEMOTE_BLOCKED_TRACKED, op + " of S-EPT entry " + e.where()
          + " with no TRACK since its BLOCK (bepoch " + e.bepoch + ", td_epoch " + g.td.epoch() + ")", actors,
          e.gfn);
    } else {
      int v = g.td.vcpuInGuestSince(e.bepoch);
      if (v >= 0) {
        g.v.report(Invariant.TDX_DEMOTE_BLOCKED_TRACKED, op + " of S-EPT entry " + e.where() + " while vcpu "
            + v + " is still in the guest since epoch " + g.td.vcpuEpoch(v) + " <= bepoch " + e.bepoch
            + " (not kicked out since the TRACK)", join(actors, Names.vcpu(v)), e.gfn);
      }
    }
  }

  private static List<String> join(List<String> a, String b) {
    assert a != null : "joining actor names";
    assert b != null : "joining actor names";
    if (a.isEmpty()) return List.of(b);
    return List.of(a.get(0), b);
  }
}
