package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.List;

/**
 * Which invalidation users (kvm, iommu, userspace, ...; by name, in first-seen order) map which gfns, as bits per
 * 2M range. Needed for the failable-notifier debate: a failed conversion must leave every user's mapping in place
 * [R7, T08 Yan 06-05].
 */
final class UserMappings {
  private final List<String> users = new ArrayList<>(4);

  int index(String user) {
    assert user != null : "the index of no user";
    int i = users.indexOf(user);
    if (i >= 0) return i;
    users.add(user);
    assert users.indexOf(user) == users.size() - 1 : user + " recorded twice";
    return users.size() - 1;
  }

  List<String> users() {
    assert users.size() < 64 : users.size() + " invalidation users";
    return users;
  }

  /**
   * Apply a (un)mapping. Returns the first gfn the user had mapped and now lost, or -1 (always -1 for a map).
   */
  long change(PageTables pt, String user, long start, long end, boolean mapped) {
    assert user != null && start < end : user + " (un)mapping of [" + start + ", " + end + ")";
    int u = index(user);
    long lost = -1;
    for (long b = start & ~(Range2M.PAGES - 1L); b < end; b += Range2M.PAGES) {
      Range2M r = mapped ? pt.range(b) : pt.peekRange(b);
      if (r == null) continue;
      long[] bits = bits(r, u, mapped);
      if (bits == null) continue;
      long lo = Math.max(start, b);
      long hi = Math.min(end, b + Range2M.PAGES);
      for (long g = lo; g < hi; g++) {
        int off = (int) (g - b);
        long m = 1L << (off & 63);
        if (mapped) {
          bits[off >>> 6] |= m;
        } else if ((bits[off >>> 6] & m) != 0) {
          bits[off >>> 6] &= ~m;
          if (lost < 0) lost = g;
        }
      }
    }
    assert lost < 0 || !mapped && lost >= start && lost < end : "lost " + lost + " outside [" + start + ", " + end + ")";
    return lost;
  }

  /** The first (user, gfn) mapped in [start, end) by a user other than {@code except}, or null. */
  Object[] firstMapped(PageTables pt, long start, long end, String except) {
    assert start <= end : "firstMapped of [" + start + ", " + end + ")";
    for (Range2M r : pt.rangesIn(start, end)) {
      if (r.userBits == null) continue;
      for (int u = 0; u < r.userBits.length; u++) {
        assert r.userBits.length <= users.size() : r.userBits.length + " bitsets for " + users.size() + " users";
        long[] bits = r.userBits[u];
        if (bits == null || users.get(u).equals(except)) continue;
        long lo = Math.max(start, r.base);
        long hi = Math.min(end, r.base + Range2M.PAGES);
        for (long g = lo; g < hi; g++) {
          int off = (int) (g - r.base);
          if ((bits[off >>> 6] & (1L << (off & 63))) != 0) return new Object[] {users.get(u), g};
        }
      }
    }
    return null;
  }

  private static long[] bits(Range2M r, int u, boolean create) {
    assert u >= 0 : "user index " + u;
    if (r.userBits == null || r.userBits.length <= u) {
      if (!create) return null;
      long[][] n = new long[u + 1][];
      if (r.userBits != null) System.arraycopy(r.userBits, 0, n, 0, r.userBits.length);
      r.userBits = n;
    }
    if (r.userBits[u] == null) {
      if (!create) return null;
      r.userBits[u] = new long[Range2M.PAGES / 64];
    }
    assert r.userBits[u].length * 64 == Range2M.PAGES : "user bitset of " + r.userBits[u].length + " words";
    return r.userBits[u];
  }
}
