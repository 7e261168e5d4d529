package tdxsim.stress.coverage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxStatus;

/**
 * The protocol tuples a run reached, counted (shared by every worker of a run, so thread-safe), and the ones of
 * a known universe it never reached. Tuples, by kind:
 * <ul>
 *   <li>{@code seamcall}: SEAMCALL leaf / S-EPT state of its entry before it / status;</li>
 *   <li>{@code accept}: TDG.MEM.PAGE.ACCEPT level / level of the S-EPT leaf then mapping the gfn / status;</li>
 *   <li>{@code flow}: a flow step of the model (BLOCK, DEMOTE, NO_VCPUS_RETRY, STALE_RETRY, ...) / how mmu_lock
 *       was held, by anyone, when it ran (exclusive, shared, unlocked);</li>
 *   <li>{@code meets}: a punch hole or conversion that zapped a live mapping, a fault that retried during an
 *       invalidation: whether the windows the checker guards were reached at all.</li>
 * </ul>
 * The universe of never-reached tuples is what the model has a name for and the run could meet: every leaf with
 * success, OPERAND_BUSY and BUSY_HOST_PRIORITY (contention), ACCEPT at 4K and 2M over no mapping, a 4K and a 2M
 * leaf, and the windows of {@code meets}. Counts cover every schedule run (with several workers, also those of
 * ranges cancelled above a violation).
 */
public final class Coverage {
  static final String[] MEETS = {"punch-hole zapped a live mapping", "conversion zapped a live mapping",
      "fault retried during an invalidation", "a leaf installed while an invalidation (of any range) was in progress"};
  private final Map<String, LongAdder> reached = new ConcurrentHashMap<>();

  void add(String tuple) {
    reached.computeIfAbsent(tuple, k -> new LongAdder()).increment();
  }

  /** Reached tuples and their counts, sorted. */
  public Map<String, Long> reached() {
    Map<String, Long> m = new TreeMap<>();
    reached.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** Tuples of the universe (see the class comment) the run never reached, sorted. */
  public List<String> neverReached() {
    Map<String, Long> r = reached();
    List<String> out = new ArrayList<>();
    for (String u : universe()) if (!matched(r, u)) out.add(u);
    return out;
  }

  /** {@code u} (with {@code *} for any one field, and fields left off at the end) among the reached tuples. */
  private static boolean matched(Map<String, Long> r, String u) {
    String[] want = u.split(" / ");
    for (String k : r.keySet()) {
      String[] have = k.split(" / ");
      boolean ok = have.length >= want.length;
      for (int i = 0; ok && i < want.length; i++) ok = want[i].equals("*") || want[i].equals(have[i]);
      if (ok) return true;
    }
    return false;
  }

  static List<String> universe() {
    List<String> u = new ArrayList<>();
    for (SeamcallLeaf l : SeamcallLeaf.values()) {
      for (TdxStatus s : new TdxStatus[] {TdxStatus.TDX_SUCCESS, TdxStatus.TDX_OPERAND_BUSY,
          TdxStatus.TDX_OPERAND_BUSY_HOST_PRIORITY}) {
        u.add("seamcall " + l + " / * / " + s);
      }
    }
    for (Level a : new Level[] {Level.PG_LEVEL_4K, Level.PG_LEVEL_2M}) {
      for (String m : new String[] {"unmapped", Level.PG_LEVEL_4K.toString(), Level.PG_LEVEL_2M.toString()}) {
        u.add("accept " + a + " / mapped " + m);
      }
    }
    for (String m : MEETS) u.add("meets " + m);
    return u;
  }

  /** The coverage file: reached tuples with counts, and the never-reached ones. */
  public Map<String, Object> json() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("reached", reached());
    j.put("neverReached", neverReached());
    return j;
  }
}
