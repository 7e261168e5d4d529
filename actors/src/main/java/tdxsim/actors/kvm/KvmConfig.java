package tdxsim.actors.kvm;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Level;

/**
 * What every KVM-side context knows of the VM, immutable: the vCPU count, the guest_memfd-backed private memslot
 * [baseGfn, baseGfn + pages), the design options, and {@code tdxHugePage} (v3 enables 2M mappings only if the
 * TDX module has TDX_FEATURES0.ENHANCED_DEMOTE_INTERRUPTIBILITY, because a DEMOTE that NMIs can keep
 * interrupting must not be retried forever [C3 Restrictions, domain 2.5]).
 *
 * <p>The TDP MMU is sharded by 1G region: shard i owns [shardBase(i), shardBase(i) + 1G).
 */
public record KvmConfig(int vcpus, long baseGfn, long pages, Set<DesignOption> options, boolean tdxHugePage) {
  public KvmConfig {
    if (vcpus < 1) throw new IllegalArgumentException("vcpus < 1");
    if (!Level.PG_LEVEL_2M.isAligned(baseGfn)) throw new IllegalArgumentException("baseGfn not 2M aligned");
    if (pages < 1 || pages % Level.PG_LEVEL_2M.pages() != 0) {
      throw new IllegalArgumentException("pages must be a positive multiple of 512");
    }
    assert baseGfn >= 0 && baseGfn + pages > baseGfn : "a memslot [" + baseGfn + ", +" + pages + ") that wraps";
    options = Collections.unmodifiableSet(options.isEmpty()
        ? EnumSet.noneOf(DesignOption.class) : EnumSet.copyOf(options));
  }

  public boolean has(DesignOption o) {
    assert o != null : "has(null)";
    return options.contains(o);
  }

  public long endGfn() {
    return baseGfn + pages;
  }

  public boolean contains(long gfn) {
    return gfn >= baseGfn && gfn < endGfn();
  }

  /** The first gfn of shard 0's 1G region. */
  public long firstRegion() {
    return Level.PG_LEVEL_1G.base(baseGfn);
  }

  public int shardOf(long gfn) {
    assert gfn >= firstRegion() : "gfn " + gfn + " below the first 1G region " + firstRegion();
    return (int) ((gfn - firstRegion()) / Level.PG_LEVEL_1G.pages());
  }

  public int shards() {
    assert endGfn() - 1 >= firstRegion() : "an empty memslot";
    return shardOf(endGfn() - 1) + 1;
  }

  public long shardBase(int shard) {
    assert shard >= 0 && shard < shards() : "no shard " + shard + " of " + shards();
    return firstRegion() + shard * Level.PG_LEVEL_1G.pages();
  }

  /** Number of 2M ranges in the memslot. */
  public int ranges2M() {
    assert pages % Level.PG_LEVEL_2M.pages() == 0 && pages / Level.PG_LEVEL_2M.pages() <= Integer.MAX_VALUE : pages;
    return (int) (pages / Level.PG_LEVEL_2M.pages());
  }
}
