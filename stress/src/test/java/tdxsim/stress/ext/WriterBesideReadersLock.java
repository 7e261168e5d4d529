package tdxsim.stress.ext;

import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;

/**
 * A user's design option on a KVM-side actor, written as a user would: an mmu_lock whose write side waits only for
 * another writer, not for readers (a writer gets in beside readers). It reports its grants honestly
 * ({@code MmuLockChanged}), so the built-in invariants can judge it; the invalidation sequence is kept as the real
 * lock keeps it.
 */
final class WriterBesideReadersLock {
  private final ActorSite site;
  private final ArrayDeque<MmuLockMsg.Acquire> queue = new ArrayDeque<>();
  private String writer;
  private long seq;
  private int inProgress;
  private long start = KvmReply.INVALID_GFN;
  private long end = KvmReply.INVALID_GFN;
  private int splitCacheFree;

  private WriterBesideReadersLock(ActorSite site) {
    this.site = site;
    this.splitCacheFree = site.config().splitCachePages();
  }

  /** The design option: {@code mmu-lock} replaced. */
  static DesignChange<MmuLockMsg> option() {
    return new DesignChange<>("acme-writer-beside-readers", "mmu_lock write side ignores readers", "mmu-lock",
        MmuLockMsg.class, (original, site) -> new WriterBesideReadersLock(site).behavior());
  }

  Behavior<MmuLockMsg> behavior() {
    return Behaviors.receive(MmuLockMsg.class)
        .onMessage(MmuLockMsg.Acquire.class, m -> {
          if (writer == null && queue.isEmpty()) grant(m);
          else queue.addLast(m);
          return Behaviors.same();
        })
        .onMessage(MmuLockMsg.Release.class, m -> {
          if (m.mode() == LockMode.EXCLUSIVE) {
            writer = null;
            splitCacheFree = m.splitCacheFree();
          }
          site.monitor().observe(new MmuObservation.MmuLockChanged(m.owner(), m.mode(), false));
          while (writer == null && !queue.isEmpty()) grant(queue.pollFirst());
          return Behaviors.same();
        })
        .onMessage(MmuLockMsg.InvalidateBegin.class, m -> {
          inProgress++;
          start = start == KvmReply.INVALID_GFN || inProgress == 1 ? m.start() : Math.min(start, m.start());
          end = end == KvmReply.INVALID_GFN || inProgress == 1 ? m.end() : Math.max(end, m.end());
          site.monitor().observe(new MmuObservation.InvalidateBegin(m.start(), m.end(), seq, inProgress));
          m.replyTo().tell(new KvmReply.InvalidateDone(seq, inProgress, m.tag()));
          return Behaviors.same();
        })
        .onMessage(MmuLockMsg.InvalidateEnd.class, m -> {
          seq++;
          inProgress--;
          site.monitor().observe(new MmuObservation.InvalidateEnd(m.start(), m.end(), seq, inProgress));
          m.replyTo().tell(new KvmReply.InvalidateDone(seq, inProgress, m.tag()));
          return Behaviors.same();
        })
        .onMessage(MmuLockMsg.ReadInvalidateSeq.class, m -> {
          m.replyTo().tell(new KvmReply.InvalidateSnapshot(seq, inProgress, start, end, m.tag()));
          return Behaviors.same();
        })
        .build();
  }

  private void grant(MmuLockMsg.Acquire m) {
    if (m.mode() == LockMode.EXCLUSIVE) writer = m.owner();
    site.monitor().observe(new MmuObservation.MmuLockChanged(m.owner(), m.mode(), true));
    m.replyTo().tell(new KvmReply.MmuLockGranted(m.mode(), seq, inProgress, start, end,
        m.mode() == LockMode.EXCLUSIVE ? splitCacheFree : -1, m.tag()));
  }
}
