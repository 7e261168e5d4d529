package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Conversion batches and punch holes in flight (ConversionBegin .. ConversionEnd), with what each did meanwhile
 * inside its range: private zaps, users that lost a mapping, attribute changes. guest_memfd reports each batch of
 * __kvm_gmem_set_attributes (one huge page) as its own conversion, and a failed batch ends the ioctl, so nothing
 * after error_offset is begun [GMEM-BASE]. At ConversionEnd the outcome is judged all-or-nothing per batch: success = attributes now the target and every user of the old kind unmapped; failure = no zap
 * (R6: "a failed ioctl implies zero zaps") and no user lost a mapping and attributes unchanged (R7, Yan's A/B/C
 * example [T08 Yan 06-05]).
 */
final class ConversionTracker {
  /** What a conversion's kind says it does. */
  enum Target { SHARED, PRIVATE, PUNCH_HOLE, UNKNOWN }

  static final class Conversion {
    final String kind;
    final long start;
    final long end;
    final Target target;
    /** Attribute bytes of [start, end) at begin (for a failed conversion: must be unchanged). */
    final byte[] attrsAtBegin;
    /** Private leaves zapped in range, counted per side (one zap shows on both); see {@link #zaps()}. */
    long mirrorZaps;
    long septZaps;
    long firstZapGfn = -1;
    final Set<String> lostUsers = new LinkedHashSet<>();
    long firstLostGfn = -1;

    Conversion(String kind, long start, long end, byte[] attrsAtBegin) {
      this.kind = kind;
      this.start = start;
      this.end = end;
      this.target = targetOf(kind);
      this.attrsAtBegin = attrsAtBegin;
      assert kind != null : kind + " of [" + start + ", " + end + ")";
      assert start <= end : kind + " of [" + start + ", " + end + ")";
      assert attrsAtBegin == null || attrsAtBegin.length == end - start : "snapshot of " + attrsAtBegin.length;
    }

    long zaps() {
      assert mirrorZaps >= 0 : "negative zap counts of " + kind;
      assert septZaps >= 0 : "negative zap counts of " + kind;
      return Math.max(mirrorZaps, septZaps);
    }
  }

  /** Snapshots of larger ranges are skipped (the check then relies on zaps and users only). */
  private static final long MAX_SNAPSHOT = 1 << 20;

  private final List<Conversion> active = new ArrayList<>(2);

  static Target targetOf(String kind) {
    assert kind != null : "the target of no conversion kind";
    String k = kind.toLowerCase(Locale.ROOT);
    if (k.contains("punch")) return Target.PUNCH_HOLE;
    if (k.contains("shared")) return Target.SHARED;
    if (k.contains("private")) return Target.PRIVATE;
    return Target.UNKNOWN;
  }

  Conversion begin(PageTables pt, String kind, long start, long end) {
    assert start <= end : kind + " of [" + start + ", " + end + ")";
    byte[] snap = null;
    if (end - start <= MAX_SNAPSHOT && end > start) {
      snap = new byte[(int) (end - start)];
      for (long g = start; g < end; g++) {
        Range2M r = pt.peekRange(g);
        snap[(int) (g - start)] = r == null ? Range2M.ATTR_UNKNOWN : r.attr.get((int) (g & (Range2M.PAGES - 1)));
      }
    }
    Conversion c = new Conversion(kind, start, end, snap);
    assert snap == null || snap.length == end - start : "attribute snapshot of " + snap.length + " pages";
    active.add(c);
    assert active.get(active.size() - 1) == c : "conversion " + kind + " not recorded";
    return c;
  }

  /** Removes and returns the matching conversion (same kind and range, else the first overlapping), or null. */
  Conversion end(String kind, long start, long end) {
    assert kind != null : "end of " + kind + " [" + start + ", " + end + ")";
    assert start <= end : "end of " + kind + " [" + start + ", " + end + ")";
    for (int i = 0; i < active.size(); i++) {
      Conversion c = active.get(i);
      if (c.kind.equals(kind) && c.start == start && c.end == end) return active.remove(i);
    }
    for (int i = 0; i < active.size(); i++) {
      Conversion c = active.get(i);
      if (c.start < end && start < c.end) return active.remove(i);
    }
    return null;
  }

  /** A private mapping over [gfn, gfn + pages) was zapped on the mirror ({@code mirror}) or S-EPT side. */
  void zapped(long gfn, long pages, boolean mirror) {
    assert pages > 0 : "a zap of " + pages + " pages at " + gfn;
    assert gfn >= 0 : "a zap of " + pages + " pages at " + gfn;
    for (Conversion c : active) {
      if (c.start < gfn + pages && gfn < c.end) {
        if (mirror) c.mirrorZaps++;
        else c.septZaps++;
        if (c.firstZapGfn < 0) c.firstZapGfn = Math.max(gfn, c.start);
        assert c.firstZapGfn >= c.start && c.firstZapGfn < c.end : "first zap outside the conversion";
      }
    }
  }

  void userLost(String user, long gfn) {
    assert user != null : user + " lost the gfn " + gfn;
    assert gfn >= 0 : user + " lost the gfn " + gfn;
    for (Conversion c : active) {
      if (c.start <= gfn && gfn < c.end) {
        c.lostUsers.add(user);
        assert c.firstLostGfn < 0 || c.firstLostGfn >= c.start && c.firstLostGfn < c.end : "first lost gfn";
        if (c.firstLostGfn < 0) c.firstLostGfn = gfn;
      }
    }
  }

  /** Is [gfn, gfn + pages) wholly inside an active conversion or punch hole? */
  boolean covers(long gfn, long pages) {
    assert pages > 0 : "covers of " + pages + " pages";
    for (Conversion c : active) if (c.start <= gfn && gfn + pages <= c.end) return true;
    return false;
  }

  boolean isEmpty() {
    assert active.size() <= 64 : active.size() + " conversions in flight";
    return active.isEmpty();
  }

  List<Conversion> active() {
    return active;
  }
}
