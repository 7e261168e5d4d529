package tdxsim.actors.kvm;

import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Level;

/**
 * The TDX private_max_mapping_level / gmem_max_mapping_level hook, the part every caller shares: 4K unless
 * kvm_tdx->state == TD_STATE_RUNNABLE (PAGE.ADD is 4K only, so build-time mappings must be 4K [P1-04, P1-09]),
 * 4K unless tdx_huge_page, else 2M (1G mappings are not supported). The vCPU adds v1's per-vCPU clamps on top.
 * Mutation 4 (MUT_HUGE_BEFORE_RUNNABLE) drops the TD_STATE_RUNNABLE clamp.
 */
public final class TdxMappingLevel {
  private TdxMappingLevel() {}

  public static Level privateMaxMappingLevel(KvmContext ctx) {
    assert ctx != null && ctx.config() != null : "the max mapping level without a context";
    boolean beforeRunnable = !ctx.tdRunnable() && !ctx.config().has(DesignOption.MUT_HUGE_BEFORE_RUNNABLE);
    if (beforeRunnable || !ctx.config().tdxHugePage()) return Level.PG_LEVEL_4K;
    return Level.PG_LEVEL_2M;
  }
}
