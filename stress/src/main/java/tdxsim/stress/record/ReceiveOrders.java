package tdxsim.stress.record;

import java.util.List;

/**
 * Every world actor's receive order at the end of a parallel run.
 *
 * @param senders sender table: index 0 {@code external}, 1 {@code timer}, 2 a sender outside the world, then the
 *     world's actors by name (the root is {@code world})
 * @param actors per receiving world actor (those that received anything), by creation order
 */
public record ReceiveOrders(List<String> senders, List<ReceiveOrder> actors) {
  public ReceiveOrders {
    senders = List.copyOf(senders);
    actors = List.copyOf(actors);
  }

  /** Messages in all. */
  public long deliveries() {
    long n = 0;
    for (ReceiveOrder a : actors) n += a.size();
    assert n >= 0 : n + " deliveries";
    return n;
  }
}
