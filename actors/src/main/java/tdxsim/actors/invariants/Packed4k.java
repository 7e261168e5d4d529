package tdxsim.actors.invariants;

import tdxsim.protocol.Level;
import tdxsim.protocol.SeptState;
import tdxsim.protocol.Spte;

/**
 * The 4K entries of one 2M range that hold nothing but their two states, kept as a byte each instead of an
 * {@link Entry} (64 bytes, and the mirror's {@link Spte}): a split range has 512 entries and most are never
 * touched again once checked. An entry is packed when its deferred checks have run ({@link RestChecks#flush}) and it
 * is not frozen, mid-operation or awaiting a check; the checker makes it again, field for field, when it is looked
 * up. A packed mirror leaf maps {@code pfn0 + offset} (the split's run of pfns); one off that run stays an entry.
 */
final class Packed4k {
  private static final int PACKED = 1;
  private static final int LEAF = 2;
  private static final int MIRROR_SEEN = 4;
  private static final int SEPT_SEEN = 8;
  private static final int STATE_SHIFT = 4;
  private static final SeptState[] STATES = SeptState.values();

  static {
    assert STATES.length <= 16 : "an S-EPT state fits in 4 bits";
  }

  /** Per offset: 0 = not packed, else PACKED and the flags above and the S-EPT state's ordinal. */
  private final byte[] code = new byte[Range2M.PAGES];
  /** The last SEAMCALL caller of each packed entry (names are shared strings), allocated on first need. */
  private String[] callers;
  /** Each packed entry's AUGs in its last freeze (an AUG'd page keeps its 1), allocated on first need. */
  private byte[] ops;
  private long pfn0;
  private boolean pfnSet;
  private int count;

  boolean has(int off) {
    return code[off] != 0;
  }

  /** The packed entry at {@code off} is a mirror leaf (what {@link Entry#mirrorMaps} says of its view). */
  boolean mirrorLeaf(int off) {
    assert has(off) : "no packed entry at " + off;
    return (code[off] & LEAF) != 0;
  }

  /** The packed entry's S-EPT state (its view's {@code sept}). */
  SeptState sept(int off) {
    assert has(off) : "no packed entry at " + off;
    return STATES[(code[off] & 0xff) >>> STATE_SHIFT];
  }

  /** The pfn a packed mirror leaf maps (its view's {@code spte.pfn()}). */
  long pfn(int off) {
    assert mirrorLeaf(off) : "no packed mirror leaf at " + off;
    return pfn0 + off;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** Packs {@code e} (at {@code off} of its range) if it holds only what a code byte keeps; true if it did. */
  boolean pack(Entry e, int off) {
    assert e.level == Level.PG_LEVEL_4K && !has(off) : e.where() + " packed twice";
    if (e.restDirty || e.structDirty || e.preFreeze != null || e.externalOps < 0 || e.externalOps > Byte.MAX_VALUE
        || e.bepoch != -1
        || e.nonBlockingDemotes != 0 || e.uniformAtBlock || e.septChildren != 0 || e.childMapped != 0
        || e.childPending != 0) {
      return false;
    }
    int c = PACKED | (e.mirrorSeen ? MIRROR_SEEN : 0) | (e.septSeen ? SEPT_SEEN : 0)
        | e.sept.ordinal() << STATE_SHIFT;
    if (e.spte != null) {
      if (!e.spte.isLeaf() || (pfnSet && e.spte.pfn() - off != pfn0)) return false;
      pfnSet = true;
      pfn0 = e.spte.pfn() - off;
      c |= LEAF;
    }
    if (e.lastCaller != null) {
      if (callers == null) callers = new String[Range2M.PAGES];
      callers[off] = e.lastCaller;
    }
    if (e.externalOps != 0) {
      if (ops == null) ops = new byte[Range2M.PAGES];
      ops[off] = (byte) e.externalOps;
    }
    code[off] = (byte) c;
    count++;
    return true;
  }

  /** The entry at {@code off} as it was packed; it stays packed ({@link #unpack} removes it). */
  Entry view(long gfn, int off) {
    int c = code[off] & 0xff;
    assert c != 0 : "no packed entry at " + off;
    Entry e = new Entry(gfn, Level.PG_LEVEL_4K);
    e.mirrorSeen = (c & MIRROR_SEEN) != 0;
    e.septSeen = (c & SEPT_SEEN) != 0;
    e.sept = STATES[c >>> STATE_SHIFT];
    if ((c & LEAF) != 0) e.spte = Spte.leaf(pfn0 + off);
    if (callers != null) e.lastCaller = callers[off];
    if (ops != null) e.externalOps = ops[off];
    return e;
  }

  /** The entry at {@code off}, no longer packed. */
  Entry unpack(long gfn, int off) {
    Entry e = view(gfn, off);
    code[off] = 0;
    if (callers != null) callers[off] = null;
    if (ops != null) ops[off] = 0;
    count--;
    assert count >= 0 : "negative count of packed entries";
    return e;
  }
}
