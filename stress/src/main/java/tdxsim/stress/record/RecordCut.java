package tdxsim.stress.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.trace.Trace;

/**
 * A host's record cut down to one of its TDs. TDs share nothing (no message goes from one TD's actors to another's,
 * see {@link tdxsim.actors.vm.Host}), so a TD's actors' receive orders are a complete schedule of that TD alone:
 * replayed in a world of that TD only, they reach the state the TD had in the host. The cut keeps the receive
 * orders of {@code td-K} and its actors, renames them as a world of one TD names them ({@code td-K} is the root,
 * {@code world}; {@code td-K/vcpu-3} is {@code vcpu-3}), renumbers the sender table, and names the violation
 * without the TD prefix.
 */
public final class RecordCut {
  private RecordCut() {}

  /**
   * @param host a record of a host of TDs
   * @param td the TD to keep
   * @param tdScenario the scenario of that TD alone (for the generated scenario: the host's spec with {@code td=K})
   * @param tdVcpus its vCPUs
   * @param tdHash that TD's state hash at the run's final cut (the host's hash mixes every TD's)
   * @throws IllegalArgumentException if a message of the TD came from outside it
   */
  public static Record toTd(Record host, int td, Trace.Scenario tdScenario, int tdVcpus, long tdHash) {
    String prefix = "td-" + td;
    assert host != null : "cut of td " + td;
    assert td >= 0 : "cut of td " + td;
    assert tdVcpus >= 0 : "cut of td " + td;
    List<String> senders = host.orders().senders();
    int[] map = new int[senders.size()];
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < senders.size(); i++) {
      String name = senders.get(i);
      String renamed = i < FIRST_WORLD ? name : rename(name, prefix);
      map[i] = renamed == null ? -1 : kept.size();
      if (renamed != null) kept.add(renamed);
      assert map[i] < kept.size() : "sender " + name + " mapped to " + map[i];
      assert (i >= FIRST_WORLD || map[i] == i) : "sender " + name + " mapped to " + map[i];
    }
    List<ReceiveOrder> actors = new ArrayList<>();
    for (ReceiveOrder o : host.orders().actors()) {
      String renamed = rename(o.actor(), prefix);
      if (renamed == null) continue;
      long[] ids = Arrays.copyOf(o.ids(), o.size());
      for (int i = 0; i < ids.length; i++) {
        int s = map[o.sender(i)];
        if (s < 0) {
          throw new IllegalArgumentException(o.actor() + " received a message from " + senders.get(o.sender(i))
              + ", outside " + prefix);
        }
        ids[i] = ReceiveOrder.pack(s, o.senderSeq(i));
      }
      actors.add(new ReceiveOrder(renamed, ids, o.times().clone()));
      assert ids.length == o.size() : renamed + " cut to " + ids.length + " of " + o.size();
    }
    return new Record(host.toolVersion(), host.modelVersion(), tdScenario, host.options(), tdVcpus,
        host.worldSeed(), host.threads(), host.elapsedNanos(), host.stoppedBy(), new ReceiveOrders(kept, actors),
        withoutTd(host.violation(), prefix), tdHash);
  }

  /** Senders below this index are not actors (external, timer, outside the world). */
  private static final int FIRST_WORLD = 3;

  /** The TD's index in a host violation's detail ({@code "td-K: ..."}), or -1. */
  public static int tdOf(Violation v) {
    assert v == null || v.detail() != null : "a violation without its detail";
    if (v == null || !v.detail().startsWith("td-")) return -1;
    int colon = v.detail().indexOf(": ");
    try {
      return colon < 0 ? -1 : Integer.parseInt(v.detail().substring(3, colon));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String rename(String name, String prefix) {
    assert name != null : "rename of " + name + " under " + prefix;
    assert prefix.startsWith("td-") : "rename of " + name + " under " + prefix;
    if (name.equals(prefix)) return "world";
    if (name.startsWith(prefix + "/")) return name.substring(prefix.length() + 1);
    return null;
  }

  private static Violation withoutTd(Violation v, String prefix) {
    assert prefix != null : "withoutTd of no prefix";
    if (v == null) return null;
    String detail = v.detail().startsWith(prefix + ": ") ? v.detail().substring(prefix.length() + 2) : v.detail();
    List<String> actors = v.actors().stream().map(a -> a.startsWith(prefix + "/") ? a.substring(prefix.length() + 1)
        : a).toList();
    return new Violation(v.invariant(), detail, actors, v.gfns());
  }
}
