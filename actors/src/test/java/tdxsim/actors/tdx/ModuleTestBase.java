package tdxsim.actors.tdx;

import tdxsim.protocol.Level;

/**
 * The module tests' harnesses: the one-actor module's, or, in {@link ShardedModuleTest}'s subclasses, the sharded
 * module's, so that every test of the status table, the lock windows, TLB tracking, ACCEPT and the zero-step
 * filter runs on both.
 */
abstract class ModuleTestBase {
  /** Whether this class's tests run on the sharded module (a front and one S-EPT shard). */
  boolean sharded() {
    return false;
  }

  ModuleHarness harness() {
    return harness(TdxModuleConfig.of(2, ModuleHarness.BASE, Level.PG_LEVEL_1G.pages()));
  }

  ModuleHarness harness(TdxModuleConfig config) {
    return harness(config, true);
  }

  ModuleHarness harness(TdxModuleConfig config, boolean link1G) {
    return sharded() ? ModuleHarness.sharded(config, link1G) : new ModuleHarness(config, link1G);
  }
}
