package tdxsim.actors.gmem;

import java.util.BitSet;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
public final class InvalidationUser {
  private InvalidationUser() {}

  /** @param pinned gfn ranges [start, end) this user cannot drop while mapped */
  public static Behavior<InvalidationUserMsg> create(String name, long baseGfn, List<long[]> pinned, Monitor monitor) {
    assert name != null && baseGfn >= 0 && monitor != null : "an invalidation user without a name";
    return Behaviors.setup(ctx -> {
      BitSet mapped = new BitSet();
      BitSet pins = new BitSet();
      for (long[] p : pinned) {
        assert p.length == 2 && baseGfn <= p[0] && p[0] < p[1] : "a pinned range [" + p[0] + ", " + p[1] + ")";
      }
      for (long[] p : pinned) pins.set((int) (p[0] - baseGfn), (int) (p[1] - baseGfn));
      return Behaviors.receive(InvalidationUserMsg.class)
          .onMessage(InvalidationUserMsg.MapShared.class, m -> {
            assert m.start() < m.end() : name + " maps [" + m.start() + ", " + m.end() + ")";
            mapped.set(i(m.start(), baseGfn), i(m.end(), baseGfn));
            monitor.observe(new UserMapping(name, m.start(), m.end(), true));
            m.replyTo().tell(new KvmReply.UserAck(name, true, m.tag()));
            return Behaviors.same();
          })
          .onMessage(InvalidationUserMsg.PrepareInvalidate.class, m -> {
            m.replyTo().tell(new KvmReply.UserAck(name, !pinnedMapped(mapped, pins, m.start(), m.end(), baseGfn),
                m.tag()));
            return Behaviors.same();
          })
          .onMessage(InvalidationUserMsg.Invalidate.class, m -> {
            if (m.failable() && pinnedMapped(mapped, pins, m.start(), m.end(), baseGfn)) {
              m.replyTo().tell(new KvmReply.UserAck(name, false, m.tag()));
              return Behaviors.same();
            }
            int from = i(m.start(), baseGfn);
            int to = i(m.end(), baseGfn);
            assert from <= to : name + " unmaps [" + m.start() + ", " + m.end() + ")";
            int first = mapped.nextSetBit(from);
            if (first >= 0 && first < to) {
              mapped.clear(from, to);
              monitor.observe(new UserMapping(name, m.start(), m.end(), false));
            }
            assert mapped.nextSetBit(from) < 0 || mapped.nextSetBit(from) >= to : name + " still maps the range";
            m.replyTo().tell(new KvmReply.UserAck(name, true, m.tag()));
            return Behaviors.same();
          })
          .build();
    });
  }

  private static int i(long gfn, long base) {
    assert gfn >= base && gfn - base <= Integer.MAX_VALUE : "gfn " + gfn + " below the memslot " + base;
    return (int) (gfn - base);
  }

  private static boolean pinnedMapped(BitSet mapped, BitSet pins, long start, long end, long base) {
    assert start <= end : "an inverted range [" + start + ", " + end + ")";
    BitSet b = mapped.get(i(start, base), i(end, base));
    b.and(pins.get(i(start, base), i(end, base)));
    return !b.isEmpty();
  }
}
