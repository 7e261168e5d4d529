package tdxsim.actors.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.protocol.TdxStatus.TDX_FLUSHVP_NOT_DONE;
import static tdxsim.protocol.TdxStatus.TDX_LIFECYCLE_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_NO_HKID_READY_TO_WBCACHE;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;
import static tdxsim.protocol.TdxStatus.TDX_TD_KEYS_NOT_CONFIGURED;
import static tdxsim.protocol.Level.PG_LEVEL_2M;
import static tdxsim.protocol.TdxStatus.TDX_VCPU_NOT_ASSOCIATED;
import static tdxsim.protocol.TdxStatus.TDX_WBCACHE_NOT_COMPLETE;

import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.TeardownObservation.PageReclaimed;
import tdxsim.protocol.TdxModuleMsg;

/**
 * The key teardown's TDR lifecycle [TDXM tdh_vp_flush.c, TDXM tdh_mng_vpflushdone.c, TDXM tdh_phymem_cache_wb.c,
 * TDXM tdh_mng_key_freeid.c, TDXM tdh_phymem_page_reclaim.c]: each SEAMCALL in the wrong state gets the module's
 * status, and the kernel's order (tdx_mmu_release_hkid, then tdx_reclaim_page) succeeds step by step.
 */
class TdLifecycleTest {
  private static final long SEPT_PAGE = 0x4000_0000_0007L;

  private static ModuleHarness runningWithVcpu0Entered() {
    ModuleHarness h = new ModuleHarness();
    h.finalizeTd();
    h.enterOk(0);
    h.kick(0);
    return h;
  }

  private static TdxModuleMsg.Seamcall reclaim(ModuleHarness h) {
    return new TdxModuleMsg.TdhPhymemPageReclaim(SEPT_PAGE, h.caller());
  }

  @Test
  void theKernelsOrderSucceedsAndOnlyThenTheSeptPageIsReclaimed() {
    ModuleHarness h = runningWithVcpu0Entered();
    assertEquals(TDX_SUCCESS, h.call(new TdxModuleMsg.TdhVpFlush(0, h.caller())));
    assertEquals(TDX_VCPU_NOT_ASSOCIATED, h.call(new TdxModuleMsg.TdhVpFlush(1, h.caller())), "never entered");
    assertEquals(TDX_SUCCESS, h.call(new TdxModuleMsg.TdhMngVpflushdone(h.caller())));
    assertEquals(TDX_SUCCESS, h.call(new TdxModuleMsg.TdhPhymemCacheWb(h.caller())));
    assertEquals(TDX_SUCCESS, h.call(new TdxModuleMsg.TdhMngKeyFreeid(h.caller())));
    assertEquals(TDX_SUCCESS, h.call(reclaim(h)));
    assertTrue(h.observed.contains(new PageReclaimed(SEPT_PAGE)));
  }

  @Test
  void vpFlushDoneWithAVcpuStillAssociatedIsFlushVpNotDone() {
    ModuleHarness h = runningWithVcpu0Entered();
    assertEquals(TDX_FLUSHVP_NOT_DONE, h.call(new TdxModuleMsg.TdhMngVpflushdone(h.caller())));
  }

  @Test
  void freeIdBeforeVpFlushDoneOrBeforeTheCacheWriteBackIsRefused() {
    ModuleHarness h = runningWithVcpu0Entered();
    assertEquals(TDX_LIFECYCLE_STATE_INCORRECT, h.call(new TdxModuleMsg.TdhMngKeyFreeid(h.caller())));
    assertEquals(TDX_NO_HKID_READY_TO_WBCACHE, h.call(new TdxModuleMsg.TdhPhymemCacheWb(h.caller())));
    assertEquals(TDX_SUCCESS, h.call(new TdxModuleMsg.TdhVpFlush(0, h.caller())));
    assertEquals(TDX_SUCCESS, h.call(new TdxModuleMsg.TdhMngVpflushdone(h.caller())));
    assertEquals(TDX_WBCACHE_NOT_COMPLETE, h.call(new TdxModuleMsg.TdhMngKeyFreeid(h.caller())));
    assertEquals(TDX_LIFECYCLE_STATE_INCORRECT, h.call(new TdxModuleMsg.TdhMngVpflushdone(h.caller())));
    assertEquals(TDX_TD_KEYS_NOT_CONFIGURED, h.call(new TdxModuleMsg.TdhVpFlush(0, h.caller())));
    assertEquals(TDX_TD_KEYS_NOT_CONFIGURED, h.call(h.block(ModuleHarness.GFN_2M, PG_LEVEL_2M)),
        "no S-EPT SEAMCALL once the HKID is being released");
  }

  @Test
  void reclaimWhileTheHkidIsAssignedIsRefused() {
    ModuleHarness h = runningWithVcpu0Entered();
    assertEquals(TDX_LIFECYCLE_STATE_INCORRECT, h.call(reclaim(h)));
    assertTrue(h.observed.stream().noneMatch(o -> o instanceof PageReclaimed));
  }
}
