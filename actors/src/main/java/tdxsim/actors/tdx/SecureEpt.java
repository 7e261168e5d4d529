package tdxsim.actors.tdx;

import java.util.ArrayList;
import java.util.List;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.SeptObservation.SeptEntryChanged;
import tdxsim.protocol.Level;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.SeptState;

/**
 * The TD's Secure EPT: one {@link SeptEntry} per (gfn, level) for 4K, 2M and 1G, the walk, and every state
 * transition. Every state change is reported to the monitor as a {@link SeptEntryChanged} (FREE = no entry).
 *
 * <p>Shape: the 1G entries hang off the S-EPT root (the levels above 1G, not modelled, always present) and start
 * FREE: a TD starts with only the root, and KVM links every missing level with TDH.MEM.SEPT.ADD on the first fault
 * [LNX tdx.c tdx_sept_link_private_spt, TDXM tdh_mem_sept_add.c]. A 2M entry lives in
 * the page table under its 1G non-leaf, a 4K entry in the one under its 2M non-leaf. The table is kept as such
 * pages: per level, arrays of 512 slots, one per parent slot, allocated when a slot under it is first used; a
 * guest access (the module's hottest path) indexes three arrays. Slots are listed in gfn order, so
 * {@link #presentEntries()} and {@link #fingerprint()} are deterministic. The 512 children a DEMOTE writes are
 * one {@link DemotedPage} until each is first looked up (most of a split range's pages are never touched again):
 * the entry is then made with the state and pfn DEMOTE gave it, as if it had been kept all along.
 *
 * <p>A plain class: no actor, no locks beyond the per-entry bits; the handlers decide <em>whether</em> a
 * transition is allowed, this class only performs it.
 */
public final class SecureEpt {
  /** Where a walk stopped: the entry and its level. */
  public record Walk(SeptEntry entry, Level level) {
    public Walk {
      assert entry != null && entry.level() == level : "a walk stops at an entry of its level: " + entry;
    }

    public SeptState state() {
      return entry.state();
    }

    public boolean reached(Level requested) {
      assert level.ordinal() >= requested.ordinal() : "a walk never goes below its requested level";
      return level == requested;
    }
  }

  private final TdxModuleConfig config;
  private final Monitor monitor;
  /** The 1G-aligned gfn where the table starts: the first root covers privateGfnStart. */
  private final long origin;
  /** The gfn where it ends (the private range's end). */
  private final long end;
  /** By level ordinal, then by page (slot index within the level / 512): the 512 slots of that page, or null. */
  private final SeptEntry[][][] pages = new SeptEntry[Level.values().length][][];
  /** By level ordinal, then by page: the children a DEMOTE wrote there and nobody has looked up since, or null. */
  private final DemotedPage[][] demoted = new DemotedPage[Level.values().length][];

  public SecureEpt(TdxModuleConfig config, Monitor monitor) {
    this.config = config;
    this.monitor = monitor;
    this.origin = Level.PG_LEVEL_1G.base(config.privateGfnStart());
    this.end = config.privateGfnEnd();
    for (Level l : Level.values()) {
      long slots = (end - origin + l.pages() - 1) / l.pages();
      pages[l.ordinal()] = new SeptEntry[(int) ((slots + 511) / 512)][];
      demoted[l.ordinal()] = new DemotedPage[pages[l.ordinal()].length];
      assert slots >= 1 && pages[l.ordinal()].length >= 1 : "no " + l + " slot for the private range";
    }
    assert origin <= config.privateGfnStart() && Level.PG_LEVEL_1G.isAligned(origin) && end > origin : config;
  }

  public TdxModuleConfig config() {
    return config;
  }

  /** The entry slot covering {@code gfn} at {@code level}, created FREE if it was never used. */
  public SeptEntry entry(long gfn, Level level) {
    long i = slot(gfn, level);
    SeptEntry[][] lp = pages[level.ordinal()];
    SeptEntry[] page = lp[(int) (i >>> 9)];
    if (page == null) lp[(int) (i >>> 9)] = page = new SeptEntry[512];
    SeptEntry e = page[(int) (i & 511)];
    if (e == null) page[(int) (i & 511)] = e = made(gfn, level, (int) (i >>> 9), (int) (i & 511));
    assert e.level() == level && e.gfn() == level.base(gfn) : "slot " + i + " of " + level + " holds " + e;
    return e;
  }

  /** A slot's first entry: FREE, or what a DEMOTE wrote there. */
  private SeptEntry made(long gfn, Level level, int page, int k) {
    SeptEntry e = new SeptEntry(level.base(gfn), level);
    DemotedPage d = demoted[level.ordinal()][page];
    if (d != null && d.take(k)) {
      e.pfn = d.pfn0 + (long) k * level.pages();
      e.state = d.state;
      if (d.isEmpty()) demoted[level.ordinal()][page] = null;
    }
    assert e.state == SeptState.FREE || e.state.isLeaf() && e.pfn >= 0 : "made neither FREE nor a DEMOTE child: " + e;
    return e;
  }

  /** State of the entry slot covering {@code gfn} at {@code level} (FREE if never used). */
  public SeptState state(long gfn, Level level) {
    long i = slot(gfn, level);
    SeptEntry[] page = pages[level.ordinal()][(int) (i >>> 9)];
    SeptEntry e = page == null ? null : page[(int) (i & 511)];
    assert e == null || e.level() == level && e.gfn() == level.base(gfn) : "slot " + i + " holds " + e;
    if (e != null) return e.state;
    DemotedPage d = demoted[level.ordinal()][(int) (i >>> 9)];
    return d != null && d.has((int) (i & 511)) ? d.state : SeptState.FREE;
  }

  /** The entry in a slot if one was made, else null (a DEMOTE's untouched children are made). */
  private SeptEntry existing(long gfn, Level level) {
    long i = slot(gfn, level);
    SeptEntry[] page = pages[level.ordinal()][(int) (i >>> 9)];
    SeptEntry e = page == null ? null : page[(int) (i & 511)];
    assert e == null || e.level() == level && e.gfn() == level.base(gfn) : "slot " + i + " holds " + e;
    return e;
  }

  /** The slot's index within its level; the table covers the private range (and the rest of its first 1G). */
  private long slot(long gfn, Level level) {
    if (gfn < origin || gfn >= end) {
      throw new IllegalArgumentException(String.format("gfn 0x%x is outside the S-EPT [0x%x, 0x%x)", gfn, origin, end));
    }
    assert level != null && gfn - origin >= 0 : "slot of gfn 0x" + Long.toHexString(gfn);
    return (gfn - origin) / level.pages();
  }

  /**
   * secure_ept_walk toward {@code requested}: from the 1G root, descend through present non-leaf entries
   * (NL_MAPPED) and stop at the requested level, at a leaf, or at an entry with RWX = 0 (FREE, REMOVED,
   * NL_BLOCKED) [TDXM sept_manager.c]. A walk that stops above the requested level is what the SEAMCALLs report
   * as TDX_EPT_WALK_FAILED.
   */
  public Walk walk(long gfn, Level requested) {
    assert requested != null && gfn >= origin && gfn < end : "walk of 0x" + Long.toHexString(gfn) + " " + requested;
    Level lvl = Level.PG_LEVEL_1G;
    while (true) {
      SeptEntry e = entry(gfn, lvl);
      assert lvl.ordinal() >= requested.ordinal() : "the walk went below " + requested + " at " + e;
      if (lvl == requested || !SeptRules.walkDescends(e.state)) return new Walk(e, lvl);
      assert lvl != Level.PG_LEVEL_4K : "a 4K entry is never a present non-leaf: " + e;
      lvl = lvl.lower();
    }
  }

  /** The walk a guest access does: down to the leaf (or the first non-present entry). */
  public Walk walkToLeaf(long gfn) {
    Walk w = walk(gfn, Level.PG_LEVEL_4K);
    assert w.level() == Level.PG_LEVEL_4K || !SeptRules.walkDescends(w.state()) : "the walk stopped early at " + w;
    return w;
  }

  /** The 512 child slots of a non-leaf (or would-be non-leaf) entry, in gfn order. */
  public List<SeptEntry> children(SeptEntry parent) {
    assert parent.level() != Level.PG_LEVEL_4K : "a 4K entry has no children: " + parent;
    Level lower = parent.level().lower();
    List<SeptEntry> out = new ArrayList<>(512);
    for (int i = 0; i < 512; i++) out.add(entry(parent.gfn() + i * lower.pages(), lower));
    assert out.get(511).gfn() + lower.pages() == parent.gfn() + parent.level().pages() : parent;
    return out;
  }

  // ---------------------------------------------------------------- transitions

  /** TDH.MEM.PAGE.ADD: FREE -> MAPPED at 4K, build time. */
  void pageAdd(SeptEntry e, long pfn) {
    assert e.level() == Level.PG_LEVEL_4K : e;
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_ADD, e.state) : e;
    e.pfn = pfn;
    e.bepoch = 0;
    e.acceptCounter = 0;
    setState(e, SeptState.MAPPED);
    assert e.invariant() && e.pfn == pfn;
  }

  /** TDH.MEM.SEPT.ADD: FREE -> NL_MAPPED pointing at the new S-EPT page; its 512 children are FREE. */
  void septAdd(SeptEntry e, long septPagePfn) {
    assert e.level() != Level.PG_LEVEL_4K : e;
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_SEPT_ADD, e.state) : e;
    assert e.state == SeptState.FREE : "SEPT.ADD links a new page over a FREE entry only (L1 form): " + e;
    e.pfn = septPagePfn;
    e.bepoch = 0;
    setState(e, SeptState.NL_MAPPED);
    assert e.invariant();
  }

  /** TDH.MEM.PAGE.AUG: FREE/REMOVED -> PENDING; PAMT.BEPOCH is reset [TDXM tdh_mem_page_aug.c]. */
  void aug(SeptEntry e, long pfn) {
    assert e.level().ordinal() <= SeptRules.maxLevel(SeamcallLeaf.TDH_MEM_PAGE_AUG).ordinal() : e;
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_AUG, e.state) : e;
    assert pfn % e.level().pages() == 0 : "pfn not aligned to the entry's level: " + pfn;
    e.pfn = pfn;
    e.bepoch = 0;
    e.acceptCounter = 0;
    setState(e, SeptState.PENDING);
    assert e.invariant() && e.state.isLeaf();
  }

  /**
   * TDH.MEM.RANGE.BLOCK's write: -> *BLOCKED. A 2M PENDING entry loses its partial ACCEPT progress
   * (sept_cleanup_if_pending in block_sept_entry) [TDXM tdh_mem_range_block.c]. BEPOCH follows
   * ({@link #stampBepoch}).
   */
  void block(SeptEntry e) {
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_BLOCK, e.state) : e;
    if (e.level() == Level.PG_LEVEL_2M) e.acceptCounter = 0;
    setState(e, SeptRules.blockedOf(e.state));
    assert e.state.isBlocked() && e.acceptCounter == 0 : "blocked, no ACCEPT progress left: " + e;
    assert e.invariant();
  }

  /**
   * PAMT.BEPOCH = td_epoch, read after the blocked entry was written (atomic_mem_write_64b, then the read of
   * TDCS.TD_EPOCH) [TDXM tdh_mem_range_block.c]: a vCPU counted in a later epoch entered after the block.
   */
  void stampBepoch(SeptEntry e, long tdEpoch) {
    assert e.state.isBlocked() && e.isLocked() : "BEPOCH stamped on an entry not blocked or not held: " + e;
    assert tdEpoch >= e.bepoch : "BEPOCH only grows: " + tdEpoch + " < " + e;
    e.bepoch = tdEpoch;
    assert e.invariant();
  }

  /** TDH.MEM.RANGE.UNBLOCK: *BLOCKED -> the unblocked state (sept_unblock). */
  void unblock(SeptEntry e) {
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_RANGE_UNBLOCK, e.state) : e;
    long bepoch = e.bepoch;
    setState(e, e.state.unblocked());
    assert !e.state.isBlocked() && e.bepoch == bepoch : "UNBLOCK keeps BEPOCH: " + e;
    assert e.invariant();
  }

  /** TDH.MEM.PAGE.REMOVE: leaf -> FREE (REMOVED only during an import, out of scope). */
  void remove(SeptEntry e) {
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_REMOVE, e.state) : e;
    e.pfn = -1;
    e.bepoch = 0;
    e.acceptCounter = 0;
    setState(e, SeptState.FREE);
    assert e.invariant();
  }

  /**
   * TDH.MEM.PAGE.DEMOTE commit: the leaf becomes a non-leaf (NL_MAPPED, pointing at {@code septPagePfn}); its 512
   * children map consecutive pfns in the leaf's *unblocked* state (MAPPED or PENDING), unlocked, with no ACCEPT
   * progress: no UNBLOCK is needed afterwards [TDXM tdh_mem_page_demote.c sept_split_entry; P3-08].
   */
  void demote(SeptEntry e, long septPagePfn) {
    assert e.level() != Level.PG_LEVEL_4K : e;
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_DEMOTE, e.state) : e;
    SeptState childState = e.state.unblocked();
    assert childState == SeptState.MAPPED || childState == SeptState.PENDING : "DEMOTE of " + e;
    long pfn = e.pfn;
    Level lower = e.level().lower();
    e.pfn = septPagePfn;
    e.acceptCounter = 0;
    e.bepoch = 0;
    setState(e, SeptState.NL_MAPPED);
    long i0 = slot(e.gfn(), lower);
    assert (i0 & 511) == 0 && demoted[lower.ordinal()][(int) (i0 >>> 9)] == null : "children of " + e;
    DemotedPage d = new DemotedPage(childState, pfn);
    for (int i = 0; i < 512; i++) {
      long gfn = e.gfn() + i * lower.pages();
      SeptEntry c = existing(gfn, lower);
      if (c == null) { // a fresh slot: FREE -> the child's state, made when first looked up
        d.put(i);
        monitor.observe(new SeptEntryChanged(gfn, lower, SeptState.FREE, childState));
        continue;
      }
      c.pfn = pfn + i * lower.pages();
      c.bepoch = 0;
      c.acceptCounter = 0;
      c.hostPriority = false;
      setState(c, childState);
      assert c.invariant() : c;
    }
    if (!d.isEmpty()) demoted[lower.ordinal()][(int) (i0 >>> 9)] = d;
    assert e.invariant() && e.state == SeptState.NL_MAPPED : e;
  }

  /**
   * TDH.MEM.PAGE.PROMOTE commit: the non-leaf becomes a leaf with the children's (uniform, unblocked) state and
   * their first pfn; the S-EPT page of children is freed [TDXM tdh_mem_page_promote.c].
   */
  void promote(SeptEntry e, List<SeptEntry> children) {
    assert SeptRules.seamcallAllowed(SeamcallLeaf.TDH_MEM_PAGE_PROMOTE, e.state) : e;
    assert children.size() == 512 && children.stream().allMatch(c -> c.state == children.get(0).state) : e;
    SeptEntry first = children.get(0);
    SeptState leafState = first.state;
    e.pfn = first.pfn;
    e.acceptCounter = 0;
    e.bepoch = 0;
    for (SeptEntry c : children) {
      setState(c, SeptState.FREE);
      long i = slot(c.gfn(), c.level());
      pages[c.level().ordinal()][(int) (i >>> 9)][(int) (i & 511)] = null;
      assert state(c.gfn(), c.level()) == SeptState.FREE : "PROMOTE frees the child page: " + c;
    }
    setState(e, leafState);
    assert e.state.isLeaf() && e.level().isAligned(e.pfn) : "PROMOTE makes an aligned leaf: " + e;
    assert e.invariant();
  }

  /** TDG.MEM.PAGE.ACCEPT commit: PENDING -> MAPPED once every 4K page of the entry is zeroed. */
  void accepted(SeptEntry e) {
    assert SeptRules.acceptAllowed(e.state) : e;
    e.acceptCounter = 0;
    setState(e, SeptState.MAPPED);
    assert e.invariant() && SeptRules.guestFullyAccessibleLeaf(e.state);
  }

  /**
   * Scenario and test setup: put an entry into a state without a SEAMCALL (as if a sequence of SEAMCALLs had
   * done it). Still reported to the monitor, so an observer's view of the S-EPT stays complete.
   */
  public void seed(long gfn, Level level, SeptState state, long pfn, long bepoch) {
    assert state != null && bepoch >= 0 : "seed " + state + " bepoch " + bepoch;
    SeptEntry e = entry(gfn, level);
    e.pfn = pfn;
    e.bepoch = bepoch;
    e.acceptCounter = 0;
    setState(e, state);
    assert e.invariant();
  }

  private void setState(SeptEntry e, SeptState to) {
    assert to != null && (to == SeptState.FREE || e.pfn >= 0) : e + " -> " + to;
    assert !to.isLeaf() || e.pfn % e.level().pages() == 0 : "a leaf maps a level-aligned pfn: " + e;
    assert !(e.level() == Level.PG_LEVEL_4K && to.isNonLeaf()) : "a 4K entry cannot become " + to + ": " + e;
    SeptState from = e.state;
    if (from == to) return;
    e.state = to;
    monitor.observe(new SeptEntryChanged(e.gfn(), e.level(), from, to));
  }

  // ---------------------------------------------------------------- views

  /** Every entry that is not FREE, by level (1G first) then gfn. */
  public List<SeptEntry> presentEntries() {
    makeDemoted();
    List<SeptEntry> out = new ArrayList<>();
    for (int l = pages.length - 1; l >= 0; l--) {
      for (SeptEntry[] page : pages[l]) {
        if (page == null) continue;
        for (SeptEntry e : page) {
          assert e == null || e.level().ordinal() == l && e.invariant() : e;
          if (e != null && e.state != SeptState.FREE) out.add(e);
        }
      }
    }
    return out;
  }

  /** Makes every DEMOTE child not looked up yet (a view lists them all). */
  private void makeDemoted() {
    for (int l = 0; l < demoted.length; l++) {
      Level level = Level.values()[l];
      for (int p = 0; p < demoted[l].length; p++) {
        DemotedPage d = demoted[l][p];
        if (d == null) continue;
        long first = origin + (long) p * 512 * level.pages();
        for (int k = 0; k < 512; k++) if (d.has(k)) entry(first + (long) k * level.pages(), level);
      }
    }
    assert java.util.Arrays.stream(demoted).allMatch(l -> java.util.Arrays.stream(l).allMatch(d -> d == null))
        : "a DEMOTE child left unmade by a full view";
  }

  /** A deterministic, order-stable description of the whole table, for final-state hashes. */
  public String fingerprint() {
    StringBuilder sb = new StringBuilder();
    for (SeptEntry e : presentEntries()) {
      assert e.state != SeptState.FREE : "a FREE entry among the present ones: " + e;
      sb.append(e.level().shortName()).append(':').append(Long.toHexString(e.gfn())).append('=')
          .append(e.state).append('@').append(Long.toHexString(e.pfn()));
      if (e.acceptCounter != 0) sb.append("+acc").append(e.acceptCounter);
      sb.append(';');
    }
    return sb.toString();
  }
}
