package tdxsim.actors.gmem;

import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.monitor.Flow;
import tdxsim.protocol.InvalidationUserMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;

/**
 * guest_memfd's other invalidation users (the VMM's mmap, an IOMMU), asked in Yan's order: the fallible
 * pre-phase (every user asked first, the default [S16]), the unmap (failable with FAILABLE_NOTIFIER [R7]), and the
 * infallible unmap of a punch hole.
 */
final class GmemUsers {
  private final KvmContext kvm;
  private final boolean failable;

  GmemUsers(KvmContext kvm, boolean failable) {
    assert kvm != null : "users without a context";
    this.kvm = kvm;
    this.failable = failable;
  }

  private List<ActorRef<InvalidationUserMsg>> users() {
    assert kvm.peers() != null && kvm.peers().iommu() != null : "users before the context is wired";
    // The order of Yan's example: earlier users unmap before a later one may refuse.
    return List.of(kvm.peers().userspace(), kvm.peers().iommu());
  }

  void prepareUsers(long start, long end, int i, Consumer<Boolean> k) {
    assert start < end && i == 0 && !failable : "the pre-phase of the default (infallible) design only";
    askUsers(start, i, tag -> new InvalidationUserMsg.PrepareInvalidate(start, end, kvm.self(), tag), k);
  }

  void invalidateUsers(long start, long end, int i, Consumer<Boolean> k) {
    assert start < end && i == 0 : "unmap_mapping_pages of [" + start + ", " + end + ")";
    askUsers(start, i, tag -> new InvalidationUserMsg.Invalidate(start, end, failable, kvm.self(), tag), k);
  }

  /**
   * Asks the users one after another, in Yan's order, with the message {@code ask} builds for a tag; the first
   * refusal stops the walk and answers false (the later users are never asked).
   */
  private void askUsers(long start, int i, java.util.function.LongFunction<InvalidationUserMsg> ask,
      Consumer<Boolean> k) {
    List<ActorRef<InvalidationUserMsg>> users = users();
    assert i >= 0 && i <= users.size() && kvm.held() == null : "user " + i + " asked under mmu_lock";
    if (i == users.size()) {
      k.accept(true);
      return;
    }
    kvm.request(KvmReply.UserAck.class, a -> {
      assert a.user() != null : "an anonymous user ack";
      if (!a.ok()) {
        kvm.flow(refused(a.user()), start, Level.PG_LEVEL_4K);
        k.accept(false);
        return;
      }
      askUsers(start, i + 1, ask, k);
    }, tag -> users.get(i).tell(ask.apply(tag)));
  }

  /** The flow step of a user that refused an invalidation (the users are named in {@code Vm}). */
  private static Flow refused(String user) {
    return switch (user) {
      case "iommu" -> Flow.USER_REFUSED_IOMMU;
      case "userspace" -> Flow.USER_REFUSED_USERSPACE;
      default -> throw new IllegalStateException("unknown invalidation user " + user);
    };
  }

  void invalidateUsersInfallible(long start, long end, int i, Runnable k) {
    List<ActorRef<InvalidationUserMsg>> users = users();
    assert start < end && i >= 0 && i <= users.size() : "punch hole's unmap of user " + i;
    if (i == users.size()) {
      k.run();
      return;
    }
    kvm.request(KvmReply.UserAck.class, a -> {
      assert a.ok() : a.user() + " refused an infallible invalidation";
      invalidateUsersInfallible(start, end, i + 1, k);
    }, tag -> users.get(i).tell(new InvalidationUserMsg.Invalidate(start, end, false, kvm.self(), tag)));
  }
}
