package tdxsim.actors.gmem;

import java.util.BitSet;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.monitor.GmemObservation.UserMapping;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.InvalidationUserMsg;
import tdxsim.protocol.KvmReply;

/**
 * A non-KVM user of guest_memfd's shared memory, named {@code iommu} (a device DMA mapping) or {@code userspace}
 * (the VMM's mmap). It holds mappings of shared ranges; some of them may be pinned (DMA in flight), which makes
 * it refuse a failable invalidation or a pre-phase check of them [R7, T08 Yan 06-05]. Every mapping change is
 * reported as {@link UserMapping}.
 */
public final class InvalidationUser extends AbstractBehavior<InvalidationUserMsg> {
  private final String name;
  private final long baseGfn;
  private final Monitor monitor;
  /** the gfns (relative to baseGfn) this user maps */
  private final BitSet mapped = new BitSet();
  /** the gfns (relative to baseGfn) this user cannot drop while mapped; fixed at creation */
  private final BitSet pins = new BitSet();

  private InvalidationUser(ActorContext<InvalidationUserMsg> ctx, String name, long baseGfn, List<long[]> pinned,
      Monitor monitor) {
    super(ctx);
    this.name = name;
    this.baseGfn = baseGfn;
    this.monitor = monitor;
    for (long[] p : pinned) {
      assert p.length == 2 && baseGfn <= p[0] && p[0] < p[1] : "a pinned range [" + p[0] + ", " + p[1] + ")";
    }
    for (long[] p : pinned) pins.set(i(p[0]), i(p[1]));
  }

  /** @param pinned gfn ranges [start, end) this user cannot drop while mapped */
  public static Behavior<InvalidationUserMsg> create(String name, long baseGfn, List<long[]> pinned, Monitor monitor) {
    assert name != null && baseGfn >= 0 && monitor != null : "an invalidation user without a name";
    return Behaviors.setup(ctx -> new InvalidationUser(ctx, name, baseGfn, pinned, monitor));
  }

  @Override
  public Receive<InvalidationUserMsg> createReceive() {
    return newReceiveBuilder()
        .onMessage(InvalidationUserMsg.MapShared.class, m -> {
          mapShared(m);
          return this;
        })
        .onMessage(InvalidationUserMsg.PrepareInvalidate.class, m -> {
          assert m.replyTo() != null : name + ": a pre-phase check nobody waits for";
          m.replyTo().tell(new KvmReply.UserAck(name, !pinnedMapped(m.start(), m.end()), m.tag()));
          return this;
        })
        .onMessage(InvalidationUserMsg.Invalidate.class, m -> {
          invalidate(m);
          return this;
        })
        .build();
  }

  private void mapShared(InvalidationUserMsg.MapShared m) {
    assert m.start() < m.end() : name + " maps [" + m.start() + ", " + m.end() + ")";
    assert m.replyTo() != null : name + ": a mapping nobody waits for";
    mapped.set(i(m.start()), i(m.end()));
    assert mapped.nextClearBit(i(m.start())) >= i(m.end()) : name + " maps the whole range";
    monitor.observe(new UserMapping(name, m.start(), m.end(), true));
    m.replyTo().tell(new KvmReply.UserAck(name, true, m.tag()));
  }

  private void invalidate(InvalidationUserMsg.Invalidate m) {
    assert m.replyTo() != null : name + ": an invalidation nobody waits for";
    if (m.failable() && pinnedMapped(m.start(), m.end())) {
      // a refused invalidation leaves every mapping in place
      m.replyTo().tell(new KvmReply.UserAck(name, false, m.tag()));
      return;
    }
    int from = i(m.start());
    int to = i(m.end());
    assert from <= to : name + " unmaps [" + m.start() + ", " + m.end() + ")";
    int first = mapped.nextSetBit(from);
    if (first >= 0 && first < to) {
      mapped.clear(from, to);
      monitor.observe(new UserMapping(name, m.start(), m.end(), false));
    }
    assert mapped.nextSetBit(from) < 0 || mapped.nextSetBit(from) >= to : name + " still maps the range";
    m.replyTo().tell(new KvmReply.UserAck(name, true, m.tag()));
  }

  private int i(long gfn) {
    assert gfn >= baseGfn && gfn - baseGfn <= Integer.MAX_VALUE : "gfn " + gfn + " below the memslot " + baseGfn;
    return (int) (gfn - baseGfn);
  }

  private boolean pinnedMapped(long start, long end) {
    assert start <= end : "an inverted range [" + start + ", " + end + ")";
    BitSet b = mapped.get(i(start), i(end));
    b.and(pins.get(i(start), i(end)));
    return !b.isEmpty();
  }
}
