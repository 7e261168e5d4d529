package tdxsim.actors.gmem;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import tdxsim.actors.monitor.Flow;
import tdxsim.protocol.Errno;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.actors.monitor.GmemObservation.ConversionBegin;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Level;

/**
 * guest_memfd's conversion and punch-hole ioctls, run with filemap_invalidate_lock held for write (one at a time,
 * {@link GuestMemfd}), step for step as the base v3 builds on has them [P3-16, GMEM-BASE]. Every phase takes and
 * drops mmu_lock for write on its own (KVM_MMU_LOCK in __kvm_gmem_invalidate_begin, __kvm_gmem_split_private,
 * __kvm_gmem_zap, __kvm_gmem_invalidate_end), so faults get the lock between phases.
 *
 * <p>KVM_SET_MEMORY_ATTRIBUTES2 (__kvm_gmem_set_attributes): nothing to do if the range already has the
 * attribute; else one huge page per batch, each a kvm_gmem_convert:
 * <ol>
 *   <li>to private: the other users (userspace, IOMMU) are unmapped (unmap_mapping_pages; a pinned page fails it);</li>
 *   <li>kvm_gmem_invalidate_begin over the batch widened to the huge page (kvm_gmem_compute_invalidate_start/end:
 *       faults anywhere in the huge page retry while a part of it converts [GMEM-RFC 38/51]);</li>
 *   <li>to shared: kvm_gmem_split_private of exactly the batch (-ENOMEM fails the batch before any zap [S16]);</li>
 *   <li>kvm_gmem_zap of exactly the batch (private leaves; KVM's shared root is not modelled);</li>
 *   <li>kvm_gmem_restructure (folio to order 0 for shared, merged back when the huge page is all private), then
 *       the shareability store (mas_store_prealloc);</li>
 *   <li>kvm_gmem_invalidate_end (widened).</li>
 * </ol>
 * The base posts the last two steps the other way round (invalidate_end, then restructure and store, still under
 * filemap_invalidate_lock): the GMEM_STORE_AFTER_INVALIDATE_END design option, which lets a fault map a page with
 * the attribute it had before the store (R13, the README). The default ends the invalidation last.
 * A failed batch ends the ioctl with error_offset = the batch's start; earlier batches stay converted. Each batch
 * is reported as its own ConversionBegin/End, which the invariants judge all-or-nothing.
 *
 * <p>Punch hole (kvm_gmem_fallocate): -EINVAL unless folio-aligned; then invalidate_begin (exact), split, zap,
 * the users, merge_truncate_range, invalidate_end.
 *
 * <p>Options: FAILABLE_NOTIFIER (users refuse after earlier ones unmapped, no rollback [R7]);
 * MUT_ONE_PASS_SPLIT_ZAP (split+zap per 2M range in one pass [R6]); MUT_EXACT_INVALIDATE_RANGE (the invalidation
 * covers only the converted pages, as before 9129633d568e [LNX 9129633d568e]).
 */
final class GmemIoctls {
  private final KvmContext kvm;
  private final GmemFile file;
  /** Failable invalidation notifiers, no rollback [R7; mutation 5]. */
  private final boolean failable;
  /** One pass of split+zap per 2M range [R6; mutation 6]. */
  private final boolean onePass;
  /** The invalidation is not widened to the huge page. */
  private final boolean exactRange;
  /** Restructure and store after invalidate_end, as the base posts it [R13]. */
  private final boolean storeAfterEnd;

  private final MmuPhases mmu;
  private final GmemUsers users;

  GmemIoctls(KvmContext kvm, GmemFile file) {
    assert kvm != null && file != null : "ioctls without a file";
    this.kvm = kvm;
    this.file = file;
    this.mmu = new MmuPhases(kvm, file);
    this.users = new GmemUsers(kvm, kvm.config().has(DesignOption.FAILABLE_NOTIFIER));
    this.failable = kvm.config().has(DesignOption.FAILABLE_NOTIFIER);
    this.onePass = kvm.config().has(DesignOption.MUT_ONE_PASS_SPLIT_ZAP);
    this.exactRange = kvm.config().has(DesignOption.MUT_EXACT_INVALIDATE_RANGE);
    this.storeAfterEnd = kvm.config().has(DesignOption.GMEM_STORE_AFTER_INVALIDATE_END);
  }

  /** ioctl outcome: (ok, the errno or null). */
  interface Done extends BiConsumer<Boolean, Errno> {}

  /** Reports ConversionBegin now and ConversionEnd with the outcome, then passes it on. */
  static Done observed(KvmContext kvm, String kind, long start, long end, Done done) {
    assert start < end && done != null : kind + " of [" + start + ", " + end + ")";
    kvm.observe(new ConversionBegin(kind, start, end));
    return (ok, err) -> {
      assert ok == (err == null) : kind + " ok=" + ok + " with errno " + err;
      kvm.observe(new ConversionEnd(kind, start, end, ok, err));
      done.accept(ok, err);
    };
  }

  // ------------------------------------------------------------------------------------------ conversion

  /** __kvm_gmem_set_attributes over [start, end). */
  void convert(long start, long end, boolean toPrivate, Done done) {
    assert kvm.held() == null : "KVM_SET_MEMORY_ATTRIBUTES2 starts without mmu_lock";
    kvm.flow(Flow.CONVERSION, start, Level.PG_LEVEL_4K);
    if (file.hasAttributes(start, end, toPrivate)) {
      done.accept(true, null);
      return;
    }
    convertBatches(start, end, toPrivate, done);
  }

  /** For page_order &gt; 0, one huge page at a time; the first failure stops (error_offset = its start). */
  private void convertBatches(long batchStart, long end, boolean toPrivate, Done done) {
    if (batchStart >= end) {
      done.accept(true, null);
      return;
    }
    // mutation 6: no batches, the whole ioctl one unit (split+zap per 2M range, attributes stored at the end)
    long batchEnd = onePass ? end : Math.min(file.hugePageEnd(batchStart + 1), end);
    assert batchEnd > batchStart : "conversion batch from " + batchStart + " made no progress"; // monotone
    convertBatch(batchStart, batchEnd, toPrivate, (ok, err) -> {
      if (!ok) {
        kvm.flow(Flow.CONVERT_ERROR_OFFSET, batchStart, Level.PG_LEVEL_4K);
        done.accept(false, err);
        return;
      }
      convertBatches(batchEnd, end, toPrivate, done);
    });
  }

  /** kvm_gmem_convert of one batch inside one huge page. */
  private void convertBatch(long start, long end, boolean toPrivate, Done done) {
    assert start < end && (onePass || file.firstRange(start) == file.lastRange(end)) : "a batch is one huge page";
    assert kvm.held() == null : "kvm_gmem_convert takes mmu_lock per phase, not across";
    Done batchDone = observed(kvm, toPrivate ? "convert-private" : "convert-shared", start, end, done);
    if (!toPrivate) {
      invalidateSplitZap(start, end, true, batchDone);
      return;
    }
    Consumer<Boolean> unmapped = ok -> {
      if (!ok) {
        batchDone.accept(false, Errno.EBUSY);
        return;
      }
      invalidateSplitZap(start, end, false, batchDone);
    };
    if (failable) {
      users.invalidateUsers(start, end, 0, unmapped);
    } else {
      // the fallible pre-phase: nobody unmaps unless every user can (the default design [S16])
      users.prepareUsers(start, end, 0, ok -> {
        if (ok) {
          users.invalidateUsers(start, end, 0, unmapped);
        } else {
          unmapped.accept(false);
        }
      });
    }
  }

  /**
   * invalidate_begin (widened), [split], zap (both exact), restructure and store, invalidate_end (widened); with
   * GMEM_STORE_AFTER_INVALIDATE_END the base's order: invalidate_end, then restructure and store. A failed split
   * ends the invalidation and fails the batch before any zap.
   */
  private void invalidateSplitZap(long start, long end, boolean toShared, Done done) {
    long invStart = exactRange ? start : file.hugePageStart(start);
    long invEnd = exactRange ? end : file.hugePageEnd(end);
    assert invStart <= start && end <= invEnd : "the invalidation covers the range";
    assert exactRange || file.hugePageStart(invStart) == invStart && file.hugePageStart(invEnd) == invEnd
        : "kvm_gmem_compute_invalidate_start/end round to the huge page";
    mmu.invalidateBegin(invStart, invEnd, () -> {
      Consumer<Errno> splitDone = err -> {
        if (err != null) {
          mmu.invalidateEnd(invStart, invEnd, () -> done.accept(false, err));
          return;
        }
        Runnable ended = storeAfterEnd
            ? () -> mmu.invalidateEnd(invStart, invEnd, () -> restructureAndStore(start, end, toShared, done))
            : () -> restructureAndStore(start, end, toShared, (ok, why) ->
                mmu.invalidateEnd(invStart, invEnd, () -> done.accept(ok, why)));
        if (toShared && !onePass) {
          mmu.zap(start, end, ended);
        } else {
          ended.run(); // one pass zapped already; to private: KVM's shared root is not modelled
        }
      };
      if (!toShared) {
        splitDone.accept(null);
      } else if (onePass) {
        mmu.onePass(start, end, true, splitDone);
      } else {
        mmu.splitPrivate(start, end, splitDone);
      }
    });
  }

  /** kvm_gmem_restructure then mas_store_prealloc [GMEM-BASE kvm_gmem_convert]. */
  private void restructureAndStore(long start, long end, boolean toShared, Done done) {
    assert kvm.held() == null : "kvm_gmem_restructure runs under filemap_invalidate_lock, not mmu_lock";
    if (toShared && TdxSept.v1Refs(kvm) && file.tdxRefsHeld(start, end, true)) {
      // filemap_remove_folio_for_restructuring: TDX refs cannot be told apart from transient ones [T08].
      done.accept(false, Errno.EAGAIN);
      return;
    }
    file.restructure(start, end, !toShared);
    file.setAttributes(start, end, !toShared);
    assert file.hasAttributes(start, end, !toShared) : "the store of [" + start + ", " + end + ") was lost";
    done.accept(true, null);
  }

  // ------------------------------------------------------------------------------------------ punch hole

  /** kvm_gmem_fallocate(FALLOC_FL_PUNCH_HOLE) → kvm_gmem_punch_hole over [start, end). */
  void punchHole(long start, long end, Done done) {
    assert start < end : "punch hole of [" + start + ", " + end + ")";
    Done end2 = observed(kvm, "punch-hole", start, end, done);
    kvm.flow(Flow.PUNCH_HOLE, start, Level.PG_LEVEL_4K);
    if (!file.folioAligned(start, end)) { // !IS_ALIGNED(offset, page_size) || !IS_ALIGNED(len, page_size)
      kvm.flow(Flow.PUNCH_HOLE_EINVAL, start, Level.PG_LEVEL_4K);
      end2.accept(false, Errno.EINVAL);
      return;
    }
    mmu.invalidateBegin(start, end, () -> {
      Consumer<Errno> zapped = err -> {
        if (err != null) {
          mmu.invalidateEnd(start, end, () -> end2.accept(false, err));
          return;
        }
        users.invalidateUsersInfallible(start, end, 0, () -> {
          if (TdxSept.v1Refs(kvm) && file.tdxRefsHeld(start, end, false)) {
            mmu.invalidateEnd(start, end, () -> end2.accept(false, Errno.EAGAIN));
            return;
          }
          assert kvm.held() == null : "merge_truncate_range outside mmu_lock";
          file.truncate(start, end);
          mmu.invalidateEnd(start, end, () -> end2.accept(true, null));
        });
      };
      if (onePass) {
        mmu.onePass(start, end, true, zapped);
      } else {
        mmu.splitPrivate(start, end, err -> {
          if (err != null) {
            zapped.accept(err);
          } else {
            mmu.zap(start, end, () -> zapped.accept(null));
          }
        });
      }
    });
  }

}
