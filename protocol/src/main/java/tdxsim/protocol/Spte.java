package tdxsim.protocol;

/**
 * A mirror-root SPTE value. The level is implied by the entry's position in the table.
 * FROZEN_SPTE (formerly REMOVED_SPTE) is a non-present marker that locks out other writers while the
 * external (S-EPT) operation for this entry runs [S5-02; LNX tdp_mmu.c].
 */
public record Spte(Kind kind, long pfn) {
  public enum Kind {
    NONPRESENT,
    FROZEN,
    NONLEAF,
    LEAF
  }

  public static final Spte SHADOW_NONPRESENT_VALUE = new Spte(Kind.NONPRESENT, 0);
  public static final Spte FROZEN_SPTE = new Spte(Kind.FROZEN, 0);

  public static Spte leaf(long pfn) {
    return new Spte(Kind.LEAF, pfn);
  }

  public static Spte nonLeaf(long sptPfn) {
    return new Spte(Kind.NONLEAF, sptPfn);
  }

  /** is_shadow_present_pte(): FROZEN is not present. */
  public boolean isPresent() {
    return kind == Kind.LEAF || kind == Kind.NONLEAF;
  }

  public boolean isLeaf() {
    return kind == Kind.LEAF;
  }

  public boolean isFrozen() {
    return kind == Kind.FROZEN;
  }
}
