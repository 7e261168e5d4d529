package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.List;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;

/**
 * The canonical encoding behind {@link InvariantChecker#stateHash()}: the final global state in gfn order, and
 * only content that differs from the default, so that two runs reaching the same state hash the same even if
 * they touched (and created bookkeeping for) different positions on the way.
 */
final class StateHashing {
  private StateHashing() {}

  static long hash(GlobalState g) {
    assert g != null : "hash of no state";
    assert g.td.maxVcpu() >= -1 : "hash of no state";
    StateHasher h = new StateHasher();
    h.add(g.td.runnable());
    h.add(g.td.epoch());
    for (int v = 0; v <= g.td.maxVcpu(); v++) {
      h.add(g.td.inGuest(v));
      h.add(g.td.vcpuEpoch(v));
      h.add(g.td.isDone(v));
    }
    List<Range2M> ranges = new ArrayList<>();
    for (Range2M r : g.pt.ranges()) ranges.add(r);
    ranges.sort((a, b) -> Long.compare(a.base, b.base));
    for (Range2M r : ranges) range(h, g, r);
    for (int i = 1; i < ranges.size(); i++) {
      assert ranges.get(i - 1).base < ranges.get(i).base : "two 2M ranges at " + ranges.get(i).base;
    }
    List<Entry> huge = new ArrayList<>();
    for (Entry e : g.pt.hugeEntries()) huge.add(e);
    huge.sort((a, b) -> Long.compare(a.gfn, b.gfn));
    for (Entry e : huge) entry(h, e);
    assert g.frozen1g == frozen(huge) : g.frozen1g + " FROZEN 1G SPTEs counted, " + frozen(huge) + " found";
    g.inhibit1g.stream().sorted().forEach(b -> {
      h.add(7);
      h.add(b);
    });
    g.locks.hash(h);
    for (long[] r : g.inval.active()) {
      h.add(8);
      h.add(r[0]);
      h.add(r[1]);
    }
    for (ConversionTracker.Conversion c : g.conv.active()) {
      h.str(c.kind);
      h.add(c.start);
      h.add(c.end);
    }
    for (FolioTracker.Folio f : g.folios.withRefs()) {
      h.add(9);
      h.add(f.pfn);
      h.add(f.refs);
    }
    return h.value();
  }

  private static void range(StateHasher h, GlobalState g, Range2M r) {
    assert r.invariant();
    assert r.countsExact();
    if (r.e2m != null) entry(h, r.e2m);
    if (r.has4kEntries()) {
      for (int i = 0; i < Range2M.PAGES; i++) {
        Entry e = r.e4kUnpacked(i);
        if (e != null) {
          entry(h, e);
        } else if (r.isPacked(i)) { // read from its code byte: a view per packed entry was 1% of all bytes (JFR)
          Packed4k p = r.packed();
          boolean leaf = p.mirrorLeaf(i);
          entry(h, r.base + i, Level.PG_LEVEL_4K, leaf ? Spte.Kind.LEAF : null, leaf ? p.pfn(i) : 0, p.sept(i));
        }
      }
    }
    for (int i = 0; i < Range2M.PAGES; i++) {
      byte attr = r.attr.get(i);
      if (attr != 0) {
        h.add(3);
        h.add(r.base + i);
        h.add(attr);
      }
      byte order = r.folioOrder.get(i);
      if (order != 0) {
        h.add(4);
        h.add(r.base + i);
        h.add(order);
        h.add(r.folioPfn(i));
      }
    }
    if (r.inhibit2m) {
      h.add(5);
      h.add(r.base);
    }
    if (r.userBits != null) {
      for (int u = 0; u < r.userBits.length; u++) {
        long[] bits = r.userBits[u];
        if (bits == null) continue;
        for (int w = 0; w < bits.length; w++) {
          assert u < g.users.users().size() : "user bits of user " + u + " of " + g.users.users().size();
          if (bits[w] == 0) continue;
          h.add(6);
          h.str(g.users.users().get(u));
          h.add(r.base + 64L * w);
          h.add(bits[w]);
        }
      }
    }
  }

  private static int frozen(List<Entry> huge) {
    int n = 0;
    for (Entry e : huge) if (e.isFrozen()) n++;
    assert n <= huge.size() : n + " FROZEN of " + huge.size();
    return n;
  }

  private static void entry(StateHasher h, Entry e) {
    assert e.invariant();
    entry(h, e.gfn, e.level, e.spte == null ? null : e.spte.kind(), e.spte == null ? 0 : e.spte.pfn(), e.sept);
  }

  /** An entry's part of the hash: its position, its mirror SPTE's kind (null: none) and pfn, its S-EPT state. */
  private static void entry(StateHasher h, long gfn, Level level, Spte.Kind kind, long pfn, SeptState sept) {
    if (kind == null && !Entry.present(sept)) return;
    h.add(1);
    h.add(gfn);
    h.add(level.ordinal());
    h.add(kind == null ? -1 : kind.ordinal());
    h.add(pfn);
    h.add(sept.ordinal());
  }
}
