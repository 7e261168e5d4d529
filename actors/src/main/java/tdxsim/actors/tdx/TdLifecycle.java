package tdxsim.actors.tdx;

import static tdxsim.protocol.TdxStatus.TDX_FLUSHVP_NOT_DONE;
import static tdxsim.protocol.TdxStatus.TDX_LIFECYCLE_STATE_INCORRECT;
import static tdxsim.protocol.TdxStatus.TDX_NO_HKID_READY_TO_WBCACHE;
import static tdxsim.protocol.TdxStatus.TDX_OPERAND_BUSY;
import static tdxsim.protocol.TdxStatus.TDX_SUCCESS;
import static tdxsim.protocol.TdxStatus.TDX_TD_KEYS_NOT_CONFIGURED;
import static tdxsim.protocol.TdxStatus.TDX_VCPU_NOT_ASSOCIATED;
import static tdxsim.protocol.TdxStatus.TDX_WBCACHE_NOT_COMPLETE;

import java.util.TreeSet;
import tdxsim.actors.monitor.TeardownObservation.PageReclaimed;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * TDR.LIFECYCLE_STATE and the key-teardown SEAMCALLs, one step each (no S-EPT lock, the TDR lock exclusive for
 * VPFLUSHDONE and KEY.FREEID, shared for VP.FLUSH and RECLAIM, taken and released within the step):
 * <ul>
 *   <li>TDH.VP.FLUSH [TDXM tdh_vp_flush.c]: the lifecycle must be KEYS_CONFIGURED (TDX_TD_KEYS_NOT_CONFIGURED);
 *       the vCPU must be associated with the LP (TDX_VCPU_NOT_ASSOCIATED); the association is dropped;</li>
 *   <li>TDH.MNG.VPFLUSHDONE [TDXM tdh_mng_vpflushdone.c]: lifecycle KEYS_CONFIGURED, no vCPU associated
 *       (TDX_FLUSHVP_NOT_DONE); sets the HKID's WBINVD bitmap, lifecycle BLOCKED;</li>
 *   <li>TDH.PHYMEM.CACHE.WB [TDXM tdh_phymem_cache_wb.c]: clears the package's bit of every flushed HKID
 *       (one package here); with none flushed, TDX_NO_HKID_READY_TO_WBCACHE;</li>
 *   <li>TDH.MNG.KEY.FREEID [TDXM tdh_mng_key_freeid.c]: lifecycle BLOCKED, the WBINVD bitmap empty
 *       (TDX_WBCACHE_NOT_COMPLETE); lifecycle TEARDOWN;</li>
 *   <li>TDH.PHYMEM.PAGE.RECLAIM [TDXM tdh_phymem_page_reclaim.c] of a TD page: lifecycle TEARDOWN; the page goes
 *       back to PT_NDA (observed as PageReclaimed).</li>
 * </ul>
 * A vCPU becomes associated at its first TDH.VP.ENTER on an LP [TDXM tdh_vp_enter.c]. Every S-EPT SEAMCALL also
 * needs KEYS_CONFIGURED (check_td_in_correct_build_state, TDX_TD_KEYS_NOT_CONFIGURED: checked in
 * SeamcallHandlers); TDH.VP.ENTER's own check is not modelled (the vCPUs are joined before the teardown).
 */
final class TdLifecycle {
  enum State { KEYS_CONFIGURED, BLOCKED, TEARDOWN }

  private final TdxModuleState s;
  private State state = State.KEYS_CONFIGURED;
  private final TreeSet<Integer> associated = new TreeSet<>();
  private boolean wbinvdPending;

  TdLifecycle(TdxModuleState s) {
    assert s != null : "a lifecycle without a module";
    this.s = s;
  }

  void associate(int vcpu) {
    assert vcpu >= 0 && vcpu < s.vcpuCount() : "no vcpu " + vcpu;
    assert state == State.KEYS_CONFIGURED : "a vCPU enters a TD whose keys are " + state;
    associated.add(vcpu);
    assert associated.size() <= s.vcpuCount() && invariant() : "more vCPUs associated than the TD has: " + associated;
  }

  boolean keysConfigured() {
    assert invariant();
    return state == State.KEYS_CONFIGURED;
  }

  /** The status of a teardown SEAMCALL, or null for any other leaf (handled by SeamcallHandlers). */
  TdxStatus handle(TdxModuleMsg.Seamcall m) {
    if (!(m instanceof TdxModuleMsg.TdScoped)) return null;
    boolean exclusive = m instanceof TdxModuleMsg.TdhMngVpflushdone || m instanceof TdxModuleMsg.TdhMngKeyFreeid;
    if (m instanceof TdxModuleMsg.TdhPhymemCacheWb) return cacheWb(); // no TDR operand
    assert invariant();
    if (exclusive ? !s.tdrLock().tryExclusive() : !s.tdrLock().tryShared()) return TDX_OPERAND_BUSY;
    TdxStatus st = work(m);
    if (exclusive) s.tdrLock().releaseExclusive();
    else s.tdrLock().releaseShared();
    assert st != null && invariant() : m;
    return st;
  }

  private TdxStatus work(TdxModuleMsg.Seamcall m) {
    if (m instanceof TdxModuleMsg.TdhVpFlush f) {
      if (state != State.KEYS_CONFIGURED) return TDX_TD_KEYS_NOT_CONFIGURED;
      assert f.vcpu() >= 0 && f.vcpu() < s.vcpuCount() : "TDH.VP.FLUSH of no vCPU " + f.vcpu();
      return associated.remove(f.vcpu()) ? TDX_SUCCESS : TDX_VCPU_NOT_ASSOCIATED;
    }
    if (m instanceof TdxModuleMsg.TdhMngVpflushdone) {
      if (state != State.KEYS_CONFIGURED) return TDX_LIFECYCLE_STATE_INCORRECT;
      if (!associated.isEmpty()) return TDX_FLUSHVP_NOT_DONE;
      assert !wbinvdPending : "the HKID was flushed before VPFLUSHDONE";
      wbinvdPending = true;
      state = State.BLOCKED;
      return TDX_SUCCESS;
    }
    if (m instanceof TdxModuleMsg.TdhMngKeyFreeid) {
      if (state != State.BLOCKED) return TDX_LIFECYCLE_STATE_INCORRECT;
      if (wbinvdPending) return TDX_WBCACHE_NOT_COMPLETE;
      assert state == State.BLOCKED && !wbinvdPending;
      state = State.TEARDOWN;
      return TDX_SUCCESS;
    }
    // Java 17 has no pattern switch over the sealed Seamcall: the last TdScoped leaf, or a loud failure
    if (!(m instanceof TdxModuleMsg.TdhPhymemPageReclaim r)) {
      throw new IllegalStateException(m.leaf().abiName() + " is not a TD teardown SEAMCALL");
    }
    if (state != State.TEARDOWN) return TDX_LIFECYCLE_STATE_INCORRECT;
    assert r.pfn() >= 0 && !wbinvdPending && associated.isEmpty() : "RECLAIM of " + r.pfn() + " in " + state;
    s.monitor().observe(new PageReclaimed(r.pfn()));
    return TDX_SUCCESS;
  }

  /**
   * TDR.LIFECYCLE_STATE only moves forward (KEYS_CONFIGURED, BLOCKED, TEARDOWN); the WBINVD bitmap is set only
   * while BLOCKED; no vCPU stays associated once VPFLUSHDONE has succeeded.
   */
  private boolean invariant() {
    assert !wbinvdPending || state == State.BLOCKED : "WBINVD pending in " + state;
    assert state == State.KEYS_CONFIGURED || associated.isEmpty() : "vCPUs " + associated + " associated in " + state;
    return true;
  }

  private TdxStatus cacheWb() {
    if (state != State.BLOCKED || !wbinvdPending) return TDX_NO_HKID_READY_TO_WBCACHE;
    wbinvdPending = false;
    assert invariant();
    return TDX_SUCCESS;
  }
}
