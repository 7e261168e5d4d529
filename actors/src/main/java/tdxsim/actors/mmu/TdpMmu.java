package tdxsim.actors.mmu;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.monitor.MmuObservation.GuestInhibitCleared;
import tdxsim.actors.monitor.MmuObservation.GuestInhibitSet;
import tdxsim.actors.monitor.MmuObservation.SpteChanged;
import tdxsim.actors.monitor.MmuObservation.SpteCmpxchgFailed;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;

/**
 * One shard of the TDP MMU mirror root: the SPTEs of one 1G region (the 1G entry, its 512 2M entries, and a
 * 512-entry 4K table under each 2M non-leaf) and the region's lpage_info (disallow_lpage per 2M range and for the
 * 1G range). Shards are named {@code tdp-mmu-<n>}; ranges in different shards proceed in parallel.
 *
 * <p>The 1G entry starts non-present, as the TDX module's S-EPT does: a TD starts with only the S-EPT root (the
 * levels above 1G, which are not modelled), and the first fault in a 1G region links the 1G page table with
 * tdp_mmu_link_sp → tdx_sept_link_private_spt (TDH.MEM.SEPT.ADD), so first-touch faults contend there too (R1). Each message is one atomic CPU step; every SPTE change
 * (FROZEN included) is reported as {@link SpteChanged}. Page tables are never freed: KVM zaps only leafs here
 * (tdp_mmu_zap_leafs) and never promotes on a mirror root [P1-10, S06].
 */
public final class TdpMmu {
  private TdpMmu() {}

  public static Behavior<TdpMmuMsg> create(int shard, long regionGfn, Monitor monitor) {
    assert shard >= 0 && monitor != null : "shard " + shard;
    return Behaviors.setup(ctx -> new Shard(ctx, regionGfn, monitor));
  }

  /** The shard's tables, and the actor that owns them. */
  static final class Shard extends AbstractBehavior<TdpMmuMsg> {
    private static final int ENTRIES = 512;
    private final long region;
    private final Monitor monitor;
    private Spte spte1G;
    private final Spte[] spte2M = new Spte[ENTRIES];
    /**
     * The 4K page tables by 2M index, each with one more slot, {@link #RUN}: {@code Spte.leaf(run)} or null. A
     * null slot c holds the leaf {@code Spte.leaf(run + c)}: a split's 512 leaves, and 4K leaves mapping that run
     * of pfns, cost no object until one is written otherwise.
     */
    private final Spte[][] spte4K = new Spte[ENTRIES][];
    private static final int RUN = ENTRIES;
    private final int[] lpage2M = new int[ENTRIES];
    private int lpage1G;

    Shard(ActorContext<TdpMmuMsg> ctx, long regionGfn, Monitor monitor) {
      super(ctx);
      if (!Level.PG_LEVEL_1G.isAligned(regionGfn)) throw new IllegalArgumentException("region not 1G aligned");
      this.region = regionGfn;
      this.monitor = monitor;
      java.util.Arrays.fill(spte2M, Spte.SHADOW_NONPRESENT_VALUE);
      spte1G = Spte.SHADOW_NONPRESENT_VALUE;
      assert region >= 0 && slotInvariant(0) && slotInvariant(ENTRIES - 1);
    }

    /**
     * One 2M slot's invariants: a present non-leaf has its child page table (tdp_mmu_link_sp links a table it
     * allocated); a 4K table holds only valid SPTEs.
     */
    private boolean slotInvariant(int i) {
      Spte s = spte2M[i];
      assert s != null && spte1G != null : "a null SPTE in slot " + i;
      assert !s.isPresent() || s.isLeaf() || spte4K[i] != null : "a non-leaf without its page table at slot " + i;
      int known = TdpMmuMsg.KVM_LPAGE_MIXED_FLAG | TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG;
      assert (lpage2M[i] & ~known) == 0 && (lpage1G & ~known) == 0 : "unknown disallow_lpage bits at slot " + i;
      return true;
    }

    /** The gfn is in this shard's 1G region: the message was routed by KvmConfig.shardOf. */
    private boolean inRegion(long gfn) {
      assert gfn - region >= 0 && gfn - region < Level.PG_LEVEL_1G.pages()
          : String.format("gfn 0x%x routed to the shard of 0x%x", gfn, region);
      return true;
    }

    @Override
    public Receive<TdpMmuMsg> createReceive() {
      return newReceiveBuilder()
          .onMessage(TdpMmuMsg.ReadSpte.class, m -> {
            m.replyTo().tell(new KvmReply.SpteValue(m.gfn(), m.level(), get(m.gfn(), m.level()),
                lpage2M[idx2M(m.gfn())], m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.CmpxchgSpte.class, m -> {
            Spte cur = get(m.gfn(), m.level());
            boolean ok = cur.equals(m.expected());
            if (ok) {
              set(m.gfn(), m.level(), m.newSpte());
            } else {
              monitor.observe(new SpteCmpxchgFailed(m.replyTo().path().name(), m.level().base(m.gfn()), m.level(),
                  m.expected(), cur));
            }
            m.replyTo().tell(new KvmReply.CmpxchgResult(m.gfn(), m.level(), ok, ok ? m.newSpte() : cur, m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.WriteSpte.class, m -> {
            Spte old = get(m.gfn(), m.level());
            set(m.gfn(), m.level(), m.newSpte());
            m.replyTo().tell(new KvmReply.SpteWritten(m.gfn(), m.level(), old, m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.SplitHugeSpte.class, m -> {
            m.replyTo().tell(new KvmReply.SpteWritten(m.gfn(), Level.PG_LEVEL_2M, splitHuge(m.gfn(), m.sptPfn()),
                m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.SplitFrozenHugeSpte.class, m -> {
            m.replyTo().tell(new KvmReply.SpteWritten(m.gfn(), Level.PG_LEVEL_2M,
                splitFrozen(m.gfn(), m.leaf(), m.sptPfn()), m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.CollectLeafs.class, m -> {
            m.replyTo().tell(new KvmReply.LeafList(collect(m.start(), m.end()), m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.CollectPageTables.class, m -> {
            m.replyTo().tell(new KvmReply.LeafList(pageTables(m.start(), m.end()), m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.ReadLpageInfo.class, m -> {
            m.replyTo().tell(new KvmReply.LpageInfo(m.gfn(), lpage2M[idx2M(m.gfn())], lpage1G, m.tag()));
            return this;
          })
          .onMessage(TdpMmuMsg.UpdateLpageInfo.class, m -> {
            int v = updateLpage(m.gfn(), m.level(), m.flag(), m.set());
            m.replyTo().tell(new KvmReply.LpageUpdated(m.gfn(), m.level(), v, m.tag()));
            return this;
          })
          .build();
    }

    private int idx2M(long gfn) {
      long off = gfn - region;
      if (off < 0 || off >= Level.PG_LEVEL_1G.pages()) throw new IllegalArgumentException("gfn outside shard");
      return (int) (off >>> 9);
    }

    Spte get(long gfn, Level level) {
      assert level != null && inRegion(gfn);
      return switch (level) {
        case PG_LEVEL_1G -> spte1G;
        case PG_LEVEL_2M -> spte2M[idx2M(gfn)];
        case PG_LEVEL_4K -> {
          Spte[] pt = spte4K[idx2M(gfn)];
          // No child page table: the walk cannot reach a 4K entry; report it non-present.
          yield pt == null || !spte2M[idx2M(gfn)].isPresent() || spte2M[idx2M(gfn)].isLeaf()
              ? Spte.SHADOW_NONPRESENT_VALUE : spte4k(idx2M(gfn), (int) (gfn & 511));
        }
      };
    }

    void set(long gfn, Level level, Spte to) {
      assert to != null && inRegion(gfn) : "a null SPTE write";
      long base = level.base(gfn);
      Spte from = get(gfn, level);
      // handle_changed_spte: "cannot replace a present leaf SPTE with another present leaf SPTE mapping a different
      // PFN" is a BUG(): a notifier must zap it first [LNX tdp_mmu.c]
      assert !(from.isLeaf() && to.isLeaf() && from.pfn() != to.pfn()) : "BUG: leaf " + from + " -> " + to;
      switch (level) {
        case PG_LEVEL_1G -> spte1G = to;
        case PG_LEVEL_2M -> {
          int i = idx2M(gfn);
          spte2M[i] = to;
          // Linking a non-leaf installs a fresh, empty child page table (tdp_mmu_alloc_sp + link).
          if (!to.isLeaf() && to.isPresent() && !from.isPresent()) spte4K[i] = emptyTable();
        }
        case PG_LEVEL_4K -> {
          Spte[] pt = spte4K[idx2M(gfn)];
          if (pt == null || !spte2M[idx2M(gfn)].isPresent() || spte2M[idx2M(gfn)].isLeaf()) {
            throw new IllegalStateException("4K SPTE write at 0x" + Long.toHexString(gfn) + " without a page table");
          }
          put4k(idx2M(gfn), (int) (gfn & 511), to);
        }
      }
      if (!from.equals(to)) monitor.observe(new SpteChanged(base, level, from, to));
      assert level == Level.PG_LEVEL_1G || slotInvariant(idx2M(gfn));
      assert get(gfn, level).equals(to) : "the write of " + to + " at " + level + " is not visible";
    }

    private Spte spte4k(int i, int c) {
      Spte s = spte4K[i][c];
      assert s != null || spte4K[i][RUN] != null : "a 4K slot on the run of a table without one: " + i + "/" + c;
      return s != null ? s : Spte.leaf(spte4K[i][RUN].pfn() + c);
    }

    /** Stores a 4K SPTE: a leaf on the table's run of pfns (the first leaf written starts the run) as null. */
    private void put4k(int i, int c, Spte to) {
      Spte[] pt = spte4K[i];
      boolean run = to.isLeaf() && pt[RUN] != null && to.pfn() - c == pt[RUN].pfn();
      if (to.isLeaf() && !run && runUnused(pt)) {
        pt[RUN] = Spte.leaf(to.pfn() - c);
        run = true;
      }
      pt[c] = run ? null : to;
    }

    private static boolean runUnused(Spte[] pt) {
      for (int c = 0; c < ENTRIES; c++) if (pt[c] == null) return false;
      return true;
    }

    private static Spte[] emptyTable() {
      Spte[] pt = new Spte[ENTRIES + 1];
      java.util.Arrays.fill(pt, 0, ENTRIES, Spte.SHADOW_NONPRESENT_VALUE);
      return pt;
    }

    /** tdp_mmu_split_huge_page: a child table of 512 leafs mapping the huge page, linked in place of the leaf. */
    Spte splitHuge(long gfn, long sptPfn) {
      Spte old = spte2M[idx2M(gfn)];
      if (!old.isLeaf()) throw new IllegalStateException("split of a non-leaf 2M SPTE at 0x" + Long.toHexString(gfn));
      return linkSplit(gfn, old, sptPfn);
    }

    /** The FROZEN 2M entry at gfn (frozen from {@code leaf}) becomes a non-leaf over 512 4K leaves. */
    Spte splitFrozen(long gfn, Spte leaf, long sptPfn) {
      Spte old = spte2M[idx2M(gfn)];
      if (!old.isFrozen() || !leaf.isLeaf()) {
        throw new IllegalStateException("shared split of 0x" + Long.toHexString(gfn) + " that is " + old);
      }
      return linkSplit(gfn, leaf, sptPfn);
    }

    /**
     * The shared core of both splits: 512 4K leafs mapping {@code leaf}'s huge page link in place of the 2M entry
     * at gfn; the 2M change is observed, then each 4K leaf in gfn order. Returns the 2M entry replaced.
     */
    private Spte linkSplit(long gfn, Spte leaf, long sptPfn) {
      int i = idx2M(gfn);
      Spte old = spte2M[i];
      long base = Level.PG_LEVEL_2M.base(gfn);
      spte2M[i] = Spte.nonLeaf(sptPfn);
      spte4K[i] = new Spte[ENTRIES + 1]; // every slot on the run: the leaves map the huge page's pfns
      spte4K[i][RUN] = Spte.leaf(leaf.pfn());
      monitor.observe(new SpteChanged(base, Level.PG_LEVEL_2M, old, spte2M[i]));
      for (int c = 0; c < ENTRIES; c++) {
        monitor.observe(new SpteChanged(base + c, Level.PG_LEVEL_4K, Spte.SHADOW_NONPRESENT_VALUE, spte4k(i, c)));
      }
      assert spte4k(i, 0).pfn() == leaf.pfn() && spte4k(i, ENTRIES - 1).pfn() == leaf.pfn() + ENTRIES - 1
          : "the split's 512 leafs map the huge page's pfns: " + spte4k(i, ENTRIES - 1);
      return old;
    }

    /** The present non-leaf SPTEs overlapping [start, end): the 2M ones in gfn order, then the 1G one. */
    List<KvmReply.Leaf> pageTables(long start, long end) {
      List<KvmReply.Leaf> out = new ArrayList<>();
      long lo = Math.max(start, region);
      long hi = Math.min(end, region + Level.PG_LEVEL_1G.pages());
      if (lo >= hi || !spte1G.isPresent() || spte1G.isLeaf()) return out;
      assert lo >= region && hi <= region + Level.PG_LEVEL_1G.pages() : lo + ".." + hi;
      for (int i = idx2M(lo); i <= idx2M(hi - 1); i++) {
        Spte s = spte2M[i];
        if (s.isPresent() && !s.isLeaf()) {
          out.add(new KvmReply.Leaf(region + ((long) i << 9), Level.PG_LEVEL_2M, s.pfn()));
        }
      }
      out.add(new KvmReply.Leaf(region, Level.PG_LEVEL_1G, spte1G.pfn()));
      assert out.stream().allMatch(l -> l.level() != Level.PG_LEVEL_4K) : "a 4K SPTE is never a page table";
      return out;
    }

    List<KvmReply.Leaf> collect(long start, long end) {
      List<KvmReply.Leaf> out = new ArrayList<>();
      if (spte1G.isLeaf()) {
        out.add(new KvmReply.Leaf(region, Level.PG_LEVEL_1G, spte1G.pfn()));
        return out;
      }
      long lo = Math.max(start, region);
      long hi = Math.min(end, region + Level.PG_LEVEL_1G.pages());
      if (lo >= hi) return out;
      for (int i = idx2M(lo); i <= idx2M(hi - 1); i++) {
        Spte s = spte2M[i];
        long base = region + ((long) i << 9);
        if (s.isLeaf()) {
          out.add(new KvmReply.Leaf(base, Level.PG_LEVEL_2M, s.pfn()));
        } else if (s.isPresent() && spte4K[i] != null) {
          long from = Math.max(lo, base);
          long to = Math.min(hi, base + 512);
          for (long g = from; g < to; g++) {
            Spte c = spte4k(i, (int) (g & 511));
            if (c.isLeaf()) out.add(new KvmReply.Leaf(g, Level.PG_LEVEL_4K, c.pfn()));
          }
        }
      }
      assert leafsInOrder(out, lo, hi);
      return out;
    }

    /** The walk's leafs: each overlaps [lo, hi), in ascending gfn order, none overlapping the next. */
    private static boolean leafsInOrder(List<KvmReply.Leaf> out, long lo, long hi) {
      for (int i = 0; i < out.size(); i++) {
        KvmReply.Leaf l = out.get(i);
        assert l.gfn() < hi && l.gfn() + l.level().pages() > lo : l + " outside " + lo + ".." + hi;
        assert i == 0 || out.get(i - 1).gfn() + out.get(i - 1).level().pages() <= l.gfn() : "out of order: " + l;
      }
      return true;
    }

    int updateLpage(long gfn, Level level, int flag, boolean set) {
      int known = TdpMmuMsg.KVM_LPAGE_MIXED_FLAG | TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG;
      assert flag != 0 && (flag & ~known) == 0 : "unknown lpage_info flag 0x" + Integer.toHexString(flag);
      assert inRegion(gfn);
      int old = level == Level.PG_LEVEL_1G ? lpage1G : lpage2M[idx2M(gfn)];
      int v = set ? old | flag : old & ~flag;
      if (level == Level.PG_LEVEL_1G) {
        lpage1G = v;
      } else if (level == Level.PG_LEVEL_2M) {
        lpage2M[idx2M(gfn)] = v;
      } else {
        throw new IllegalArgumentException("no lpage_info at 4K");
      }
      boolean wasInhibit = (old & TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG) != 0;
      boolean isInhibit = (v & TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG) != 0;
      if (!wasInhibit && isInhibit) monitor.observe(new GuestInhibitSet(level.base(gfn), level));
      if (wasInhibit && !isInhibit) monitor.observe(new GuestInhibitCleared(level.base(gfn), level));
      assert (v & flag) == (set ? flag : 0) && (v & ~flag) == (old & ~flag) : "only " + flag + " changed";
      return v;
    }
  }
}
