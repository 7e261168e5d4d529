package tdxsim.actors.gmem;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.actors.kvm.Errno;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.actors.mmu.SplitCrossBoundaryLeafs;
import tdxsim.actors.mmu.ZapPrivateLeafs;
import tdxsim.actors.monitor.GmemObservation.ConversionBegin;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.InvalidationUserMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.TdpMmuMsg;

/**
 * guest_memfd's conversion and punch-hole ioctls, run with filemap_invalidate_lock held (one at a time), in one
 * shape [P3-16, S5-43]: kvm_gmem_invalidate_begin (mmu_lock for write: kvm_mmu_invalidate_begin + range_add,
 * [split], zap) → the invalidation users → restructure (attributes, folio split or truncate: only after the
 * mappings are gone [C3 Base]) → kvm_gmem_invalidate_end (mmu_lock for write: post-set lpage_info, invalidate_end).
 *
 * <ul>
 *   <li>private→shared: kvm_gmem_split_private splits the huge leafs crossing the range (may fail with -ENOMEM,
 *       before any zap) and kvm_gmem_zap zaps the private leafs.</li>
 *   <li>shared→private: no split; KVM's shared mappings (the direct root, not modelled) and the other users
 *       (userspace, iommu) are unmapped; the guest then ACCEPTs.</li>
 *   <li>punch hole: like private→shared, then every user's mapping goes and the folios are truncated.</li>
 * </ul>
 * Default design: a fallible pre-phase (every user asked, every range split) and then an infallible unmap. With
 * FAILABLE_NOTIFIER: users that may refuse after earlier ones unmapped, no rollback [R7]. With
 * MUT_ONE_PASS_SPLIT_ZAP: split+zap per 2M range in one pass, so an -ENOMEM mid-way comes after zaps [R6].
 */
final class GmemIoctls {
  private final KvmContext kvm;
  private final GmemFile file;
  /** Failable invalidation notifiers, no rollback [R7; mutation 5]. */
  private final boolean failable;
  /** One pass of split+zap per 2M range [R6; mutation 6]. */
  private final boolean onePass;

  GmemIoctls(KvmContext kvm, GmemFile file) {
    this.kvm = kvm;
    this.file = file;
    this.failable = kvm.config().has(DesignOption.FAILABLE_NOTIFIER);
    this.onePass = kvm.config().has(DesignOption.MUT_ONE_PASS_SPLIT_ZAP);
  }

  /** ioctl outcome: (ok, errno name or null). */
  interface Done extends BiConsumer<Boolean, String> {}

  // ------------------------------------------------------------------------------------------ conversion

  void convert(long start, long end, boolean toPrivate, Done done) {
    String kind = toPrivate ? "convert-private" : "convert-shared";
    kvm.observe(new ConversionBegin(kind, start, end));
    kvm.flow("CONVERSION", start, Level.PG_LEVEL_4K);
    Done end2 = (ok, err) -> {
      kvm.observe(new ConversionEnd(kind, start, end, ok, err));
      done.accept(ok, err);
    };
    if (toPrivate) {
      toPrivate(start, end, end2);
    } else {
      toShared(start, end, end2);
    }
  }

  private void toShared(long start, long end, Done done) {
    invalidateBeginAndZapPrivate(start, end, err -> {
      if (err != 0) {
        invalidateEnd(start, end, () -> done.accept(false, Errno.name(err)));
        return;
      }
      if (TdxSept.v1Refs(kvm) && file.tdxRefsHeld(start, end, true)) {
        // filemap_remove_folio_for_restructuring: TDX refs cannot be told apart from transient ones [T08].
        invalidateEnd(start, end, () -> done.accept(false, "-EAGAIN"));
        return;
      }
      file.setAttributes(start, end, false);
      file.splitFoliosFor(start, end);
      postSetAndEnd(start, end, () -> done.accept(true, null));
    });
  }

  private void toPrivate(long start, long end, Done done) {
    Runnable body = () -> kvm.lock(LockMode.EXCLUSIVE, g -> invalidateBegin(start, end, () -> {
      // kvm_gmem_zap of the shared mappings: KVM's shared (direct) root is not modelled.
      kvm.unlock();
      invalidateUsers(start, end, 0, ok -> {
        if (!ok) {
          invalidateEnd(start, end, () -> done.accept(false, "-EBUSY"));
          return;
        }
        file.setAttributes(start, end, true);
        postSetAndEnd(start, end, () -> done.accept(true, null));
      });
    }));
    if (failable) {
      body.run();
    } else {
      prepareUsers(start, end, 0, ok -> {
        if (!ok) {
          done.accept(false, "-EBUSY"); // the pre-phase failed: nothing was unmapped
          return;
        }
        body.run();
      });
    }
  }

  // ------------------------------------------------------------------------------------------ punch hole

  void punchHole(long start, long end, Done done) {
    kvm.observe(new ConversionBegin("punch-hole", start, end));
    kvm.flow("PUNCH_HOLE", start, Level.PG_LEVEL_4K);
    Done end2 = (ok, err) -> {
      kvm.observe(new ConversionEnd("punch-hole", start, end, ok, err));
      done.accept(ok, err);
    };
    invalidateBeginAndZapPrivate(start, end, err -> {
      if (err != 0) {
        invalidateEnd(start, end, () -> end2.accept(false, Errno.name(err)));
        return;
      }
      invalidateUsersInfallible(start, end, 0, () -> {
        if (TdxSept.v1Refs(kvm) && file.tdxRefsHeld(start, end, false)) {
          invalidateEnd(start, end, () -> end2.accept(false, "-EAGAIN"));
          return;
        }
        file.truncate(start, end);
        invalidateEnd(start, end, () -> end2.accept(true, null));
      });
    });
  }

  // ------------------------------------------------------------------------------------------ pieces

  /**
   * kvm_gmem_invalidate_begin with the private split and zap, under mmu_lock for write (released at the end);
   * the error (-ENOMEM from the split, -EIO from a KVM_BUG_ON) comes back with invalidation in progress.
   */
  private void invalidateBeginAndZapPrivate(long start, long end, IntConsumer k) {
    kvm.lock(LockMode.EXCLUSIVE, g -> invalidateBegin(start, end, () -> {
      IntConsumer unlockThen = err -> {
        kvm.unlock();
        k.accept(err);
      };
      if (onePass) { // mutation 6: no split pre-phase
        onePass(start, end, start, unlockThen);
        return;
      }
      // kvm_gmem_split_private for the whole range first: fail before any zap [P3-16, S16].
      SplitCrossBoundaryLeafs.run(kvm, start, end, err -> {
        if (err != 0) {
          unlockThen.accept(err);
          return;
        }
        ZapPrivateLeafs.run(kvm, start, end, () -> unlockThen.accept(0));
      });
    }));
  }

  /** MUT_ONE_PASS_SPLIT_ZAP: split then zap one 2M range at a time [R6]. */
  private void onePass(long start, long end, long cur, IntConsumer k) {
    if (cur >= end) {
      k.accept(0);
      return;
    }
    long next = Math.min(end, Level.PG_LEVEL_2M.base(cur) + Level.PG_LEVEL_2M.pages());
    SplitCrossBoundaryLeafs.run(kvm, cur, next, err -> {
      if (err != 0) {
        k.accept(err);
        return;
      }
      ZapPrivateLeafs.run(kvm, cur, next, () -> onePass(start, end, next, k));
    });
  }

  /** kvm_gmem_invalidate_begin's kvm_mmu_invalidate_begin + range_add (write lock held). */
  private void invalidateBegin(long start, long end, Runnable k) {
    kvm.invalidateBegin(start, end, k);
  }

  /** kvm_gmem_invalidate_end: mmu_lock for write, kvm_mmu_invalidate_end. */
  private void invalidateEnd(long start, long end, Runnable k) {
    kvm.lock(LockMode.EXCLUSIVE, g -> kvm.invalidateEnd(start, end, () -> {
      kvm.unlock();
      k.run();
    }));
  }

  /** Post-set (KVM_LPAGE_MIXED_FLAG for each 2M range touched) and kvm_mmu_invalidate_end, one write lock. */
  private void postSetAndEnd(long start, long end, Runnable k) {
    kvm.lock(LockMode.EXCLUSIVE, g -> updateMixed(file.firstRange(start), file.lastRange(end), () ->
        kvm.invalidateEnd(start, end, () -> {
          kvm.unlock();
          k.run();
        })));
  }

  private void updateMixed(int r, int last, Runnable k) {
    if (r > last) {
      k.run();
      return;
    }
    kvm.updateLpageInfo(file.rangeBase(r), Level.PG_LEVEL_2M, TdpMmuMsg.KVM_LPAGE_MIXED_FLAG, !file.uniform(r),
        () -> updateMixed(r + 1, last, k));
  }

  private List<ActorRef<InvalidationUserMsg>> users() {
    // The order of Yan's example: earlier users unmap before a later one may refuse.
    return List.of(kvm.peers().userspace(), kvm.peers().iommu());
  }

  private void prepareUsers(long start, long end, int i, java.util.function.Consumer<Boolean> k) {
    askUsers(start, i, tag -> new InvalidationUserMsg.PrepareInvalidate(start, end, kvm.self(), tag), k);
  }

  private void invalidateUsers(long start, long end, int i, java.util.function.Consumer<Boolean> k) {
    askUsers(start, i, tag -> new InvalidationUserMsg.Invalidate(start, end, failable, kvm.self(), tag), k);
  }

  /**
   * Asks the users one after another, in Yan's order, with the message {@code ask} builds for a tag; the first
   * refusal stops the walk and answers false (the later users are never asked).
   */
  private void askUsers(long start, int i, java.util.function.LongFunction<InvalidationUserMsg> ask,
      java.util.function.Consumer<Boolean> k) {
    List<ActorRef<InvalidationUserMsg>> users = users();
    if (i == users.size()) {
      k.accept(true);
      return;
    }
    long tag = kvm.mintTag();
    kvm.await(tag, KvmReply.UserAck.class, a -> {
      if (!a.ok()) {
        kvm.flow("USER_REFUSED_" + a.user().toUpperCase(java.util.Locale.ROOT), start, Level.PG_LEVEL_4K);
        k.accept(false);
        return;
      }
      askUsers(start, i + 1, ask, k);
    });
    users.get(i).tell(ask.apply(tag));
  }

  private void invalidateUsersInfallible(long start, long end, int i, Runnable k) {
    List<ActorRef<InvalidationUserMsg>> users = users();
    if (i == users.size()) {
      k.run();
      return;
    }
    long tag = kvm.mintTag();
    kvm.await(tag, KvmReply.UserAck.class, a -> invalidateUsersInfallible(start, end, i + 1, k));
    users.get(i).tell(new InvalidationUserMsg.Invalidate(start, end, false, kvm.self(), tag));
  }
}
