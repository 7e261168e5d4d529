package tdxsim.actors.kvm;

import java.util.List;
import java.util.function.Consumer;
import tdxsim.actors.mmu.ZapPrivateLeafs;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.TeardownObservation.SeptPageFreed;
import tdxsim.actors.monitor.TeardownObservation.TeardownBegin;
import tdxsim.actors.monitor.TeardownObservation.TeardownDone;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeamcallResult;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;
import tdxsim.protocol.TdpMmuMsg;

/**
 * TD teardown as the VMM's close of the guest_memfd and then of the VM fd drives it, once every vCPU thread is
 * joined (the guest_memfd file holds a VM reference, so kvm_destroy_vm runs only after kvm_gmem_release):
 * <ol>
 *   <li>kvm_gmem_release [LNX guest_memfd.c]: kvm_gmem_invalidate_begin over the whole file (KVM_MMU_LOCK,
 *       kvm_mmu_invalidate_begin, kvm_mmu_unmap_gfn_range of every private leaf, no split [C3 §6]: each leaf
 *       is BLOCKed, TRACKed and REMOVEd with the HKID still assigned, see {@link TdxSept}), then
 *       kvm_gmem_invalidate_end. No other context can hold filemap_invalidate_lock: the vCPUs are joined and the
 *       VMM's own ioctls are done;</li>
 *   <li>every vCPU's TDVPR flushed off its LP (tdx_flush_vp_on_cpu → TDH.VP.FLUSH: TDX_VCPU_NOT_ASSOCIATED
 *       ignored, any other error a WARN), "as all vCPU fds have been released at this stage"; then
 *       tdx_mmu_release_hkid [LNX tdx.c]: TDH.MNG.VPFLUSHDONE (failure: KVM_BUG_ON, "HKID is leaked"), then under
 *       write_lock(mmu_lock) TDH.PHYMEM.CACHE.WB (TDX_NO_HKID_READY_TO_WBCACHE counts as done, another failure
 *       is a WARN) and TDH.MNG.KEY.FREEID (failure: KVM_BUG_ON, leaked);</li>
 *   <li>kvm_arch_destroy_vm: the mirror root's page tables go, children first, each through
 *       tdx_sept_free_private_spt: KVM_BUG_ON while the HKID is assigned (the page is leaked), else
 *       tdx_reclaim_page (TDH.PHYMEM.PAGE.RECLAIM; failure: the page is leaked), then the page is freed.</li>
 * </ol>
 * The TDX module refuses each SEAMCALL in the wrong TDR lifecycle state (see tdx.TdLifecycle).
 */
public final class TdTeardown {
  private final KvmContext kvm;
  private final Runnable done;

  private TdTeardown(KvmContext kvm, Runnable done) {
    assert kvm != null && done != null : "a teardown without a continuation";
    this.kvm = kvm;
    this.done = done;
  }

  /** Run the whole teardown in {@code kvm}'s context (the VMM's), then {@code done}. */
  public static void run(KvmContext kvm, Runnable done) {
    assert kvm.held() == null && kvm.vcpuId() < 0 : "the VMM's close runs without mmu_lock, outside a vCPU";
    assert kvm.idle() : "the VMM closes the TD with a request of its own still in flight";
    kvm.observe(new TeardownBegin());
    new TdTeardown(kvm, done).gmemRelease();
  }

  private void gmemRelease() {
    long start = kvm.config().baseGfn();
    long end = kvm.config().endGfn();
    kvm.flow(Flow.GMEM_RELEASE, start, Level.PG_LEVEL_4K);
    long zapEnd = kvm.config().has(DesignOption.MUT_GMEM_RELEASE_NO_ZAP) ? start : end; // mutation 14
    assert start < end && zapEnd <= end : "kvm_gmem_release of [" + start + ", " + end + ")";
    kvm.locked(LockMode.EXCLUSIVE, (g, out) -> kvm.invalidateBegin(start, end, () ->
        ZapPrivateLeafs.run(kvm, start, zapEnd, () -> {
          kvm.assertWriteLocked("kvm_gmem_invalidate_begin: KVM_MMU_LOCK");
          out.run();
        })), () -> kvm.locked(LockMode.EXCLUSIVE, (g, out) -> kvm.invalidateEnd(start, end, () -> {
          kvm.assertWriteLocked("kvm_gmem_invalidate_end: KVM_MMU_LOCK");
          out.run();
        }), () -> flushVp(0)));
  }

  // ------------------------------------------------------------------------------------------ tdx_mmu_release_hkid

  private void flushVp(int vcpu) {
    assert vcpu >= 0 && vcpu <= kvm.config().vcpus() : "TDH.VP.FLUSH of vcpu " + vcpu;
    assert kvm.held() == null : "tdx_flush_vp_on_cpu runs without mmu_lock";
    if (vcpu == kvm.config().vcpus()) {
      if (kvm.config().has(DesignOption.MUT_FREEID_BEFORE_VPFLUSHDONE)) {
        keyFreeid(freed -> vpFlushDone(ok -> destroyVm(freed)));
      } else {
        vpFlushDone(ok -> {
          if (ok) cacheWbAndFreeid();
          else destroyVm(false);
        });
      }
      return;
    }
    kvm.seamcall(c -> new TdxModuleMsg.TdhVpFlush(vcpu, c), r -> {
      assert r.leaf() == SeamcallLeaf.TDH_VP_FLUSH : r;
      assert kvm.held() == null : "tdx_flush_vp_on_cpu returns without mmu_lock";
      if (!r.status().isSuccess() && r.status() != TdxStatus.TDX_VCPU_NOT_ASSOCIATED) {
        kvm.flow(Flow.VP_FLUSH_WARN, 0, Level.PG_LEVEL_4K); // WARN_ON_ONCE(arg.err) in tdx_flush_vp_on_cpu
      }
      flushVp(vcpu + 1);
    });
  }

  private void vpFlushDone(Consumer<Boolean> k) {
    assert kvm.held() == null : "TDH.MNG.VPFLUSHDONE is issued before write_lock(mmu_lock)";
    kvm.seamcall(TdxModuleMsg.TdhMngVpflushdone::new, r -> k.accept(succeeded(r, "TDH.MNG.VPFLUSHDONE")));
  }

  /** write_lock(mmu_lock) around the cache write-back and the HKID free. */
  private void cacheWbAndFreeid() {
    assert kvm.held() == null : "tdx_mmu_release_hkid takes write_lock(mmu_lock) itself, not under " + kvm.held();
    kvm.<Boolean>locked(LockMode.EXCLUSIVE, (g, out) -> kvm.seamcall(TdxModuleMsg.TdhPhymemCacheWb::new, wb -> {
      kvm.assertWriteLocked("tdx_mmu_release_hkid: TDH.PHYMEM.CACHE.WB");
      assert wb.leaf() == SeamcallLeaf.TDH_PHYMEM_CACHE_WB : wb;
      // smp_func_do_phymem_cache_wb: NO_HKID_READY_TO_WBCACHE is "already done by other thread"
      if (!wb.status().isSuccess() && wb.status() != TdxStatus.TDX_NO_HKID_READY_TO_WBCACHE) {
        kvm.flow(Flow.CACHE_WB_WARN, 0, Level.PG_LEVEL_4K);
      }
      keyFreeid(freed -> {
        kvm.assertWriteLocked("tdx_mmu_release_hkid: write_unlock(&kvm->mmu_lock)");
        out.accept(freed);
      });
    }), this::destroyVm);
  }

  private void keyFreeid(Consumer<Boolean> k) {
    assert kvm.held() == LockMode.EXCLUSIVE || kvm.config().has(DesignOption.MUT_FREEID_BEFORE_VPFLUSHDONE)
        : "TDH.MNG.KEY.FREEID runs under write_lock(mmu_lock)";
    kvm.seamcall(TdxModuleMsg.TdhMngKeyFreeid::new, r -> k.accept(succeeded(r, "TDH.MNG.KEY.FREEID")));
  }

  private boolean succeeded(SeamcallResult r, String leaf) {
    assert kvm.vcpuId() < 0 : "tdx_mmu_release_hkid runs in the VMM's close, not on a vCPU";
    assert r.leaf().abiName().equals(leaf) : "the result of " + r.leaf() + " for " + leaf;
    if (r.status().isSuccess()) return true;
    kvm.bugOn("tdx_mmu_release_hkid: " + leaf + " (HKID is leaked)", r.status().name(), 0);
    return false;
  }

  // ------------------------------------------------------------------------------------------ kvm_arch_destroy_vm

  private void destroyVm(boolean hkidFreed) {
    assert kvm.held() == null : "kvm_arch_destroy_vm runs without mmu_lock";
    assert hkidFreed || kvm.vmDead() : "the HKID is leaked only after a KVM_BUG_ON";
    ShardWalk.collect(kvm, 0, kvm.config().shards() - 1, (s, tag) -> new TdpMmuMsg.CollectPageTables(
        kvm.config().baseGfn(), kvm.config().endGfn(), kvm.self(), tag), tables -> {
          assert tables.stream().noneMatch(t -> t.level() == Level.PG_LEVEL_4K) : "a 4K page table in " + tables;
          assert tables.stream().allMatch(t -> t.pfn() >= 0) : "a page table without its external_spt page: " + tables;
          freeNext(tables, 0, hkidFreed);
        });
  }

  /** tdx_sept_free_private_spt for each page table, then free_page unless it was leaked. */
  private void freeNext(List<KvmReply.Leaf> tables, int i, boolean hkidFreed) {
    if (i == tables.size()) {
      assert kvm.idle() && kvm.held() == null : "kvm_destroy_vm returns with a request in flight or mmu_lock held";
      kvm.observe(new TeardownDone(hkidFreed));
      done.run();
      return;
    }
    assert i >= 0 && i < tables.size() && kvm.held() == null : "tdx_sept_free_private_spt of table " + i;
    long pfn = tables.get(i).pfn();
    Runnable next = () -> freeNext(tables, i + 1, hkidFreed);
    if (kvm.config().has(DesignOption.MUT_FREE_BEFORE_RECLAIM)) {
      kvm.observe(new SeptPageFreed(pfn)); // the page goes back to the host before the module lets it go
      kvm.seamcall(c -> new TdxModuleMsg.TdhPhymemPageReclaim(pfn, c), r -> next.run());
      return;
    }
    if (!hkidFreed) {
      kvm.bugOn("tdx_sept_free_private_spt: is_hkid_assigned", "S-EPT page leaked", tables.get(i).gfn());
      next.run();
      return;
    }
    kvm.seamcall(c -> new TdxModuleMsg.TdhPhymemPageReclaim(pfn, c), r -> {
      assert r.leaf() == SeamcallLeaf.TDH_PHYMEM_PAGE_RECLAIM : r;
      if (r.status().isSuccess()) kvm.observe(new SeptPageFreed(pfn));
      else kvm.flow(Flow.RECLAIM_PAGE_LEAKED, tables.get(i).gfn(), Level.PG_LEVEL_4K);
      next.run();
    });
  }
}
