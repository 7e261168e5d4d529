package tdxsim.actors.mmu;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdxSept;
import tdxsim.actors.monitor.Flow;
import tdxsim.protocol.Errno;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;

/**
 * kvm_split_cross_boundary_leafs(kvm, range) → tdp_mmu_split_huge_pages_root on the mirror root, with mmu_lock
 * held for write: every huge leaf that crosses {@code start} or {@code end} is split to 4K. Per leaf:
 * tdp_mmu_alloc_sp_for_split (sp + external_spt from the VM's split cache; empty → -ENOMEM, propagated), the
 * TDX split (BLOCK, TRACK + kick, DEMOTE: {@link TdxSept#splitPrivateSpte}), then the mirror SPTE becomes a
 * non-leaf over 512 4K leafs. Used by tdx_honor_guest_accept_level (vCPU), and by the private→shared conversion
 * and punch hole (guest_memfd) [P3-13, P3-15, P3-16].
 */
public final class SplitCrossBoundaryLeafs {
  private SplitCrossBoundaryLeafs() {}

  public static void run(KvmContext ctx, long start, long end, IntConsumer done) {
    ctx.assertWriteLocked("kvm_split_cross_boundary_leafs");
    ctx.collectLeafs(start, end, leafs -> {
      List<KvmReply.Leaf> crossing = new ArrayList<>();
      for (KvmReply.Leaf l : leafs) {
        if (l.level() == Level.PG_LEVEL_4K) continue;
        boolean crossesStart = l.gfn() < start && start < l.end();
        boolean crossesEnd = l.gfn() < end && end < l.end();
        if (crossesStart || crossesEnd) crossing.add(l);
      }
      splitNext(ctx, crossing, 0, done);
    });
  }

  private static void splitNext(KvmContext ctx, List<KvmReply.Leaf> leafs, int i, IntConsumer done) {
    if (i == leafs.size()) {
      done.accept(0);
      return;
    }
    KvmReply.Leaf leaf = leafs.get(i);
    if (!ctx.takeSplitCachePage()) {
      ctx.flow(Flow.SPLIT_ENOMEM, leaf.gfn(), leaf.level());
      done.accept(Errno.ENOMEM.value);
      return;
    }
    long sptPfn = ctx.allocSptPfn();
    TdxSept.splitPrivateSpte(ctx, leaf.gfn(), leaf.level(), sptPfn, err -> {
      if (err != 0) {
        done.accept(err);
        return;
      }
      ctx.splitHugeSpte(leaf.gfn(), sptPfn, w -> {
        ctx.flow(Flow.SPLIT, leaf.gfn(), leaf.level());
        splitNext(ctx, leafs, i + 1, done);
      });
    });
  }
}
