package tdxsim.protocol;

/**
 * Page-table level of a mapping, named as the kernel names it (PG_LEVEL_*). The TDX ABI encodes
 * the same level as 0 = 4K, 1 = 2M, 2 = 1G (RCX bits 2:0 of the SEAMCALL/TDCALL GPA operand).
 */
public enum Level {
  PG_LEVEL_4K(0, 1),
  PG_LEVEL_2M(1, 512),
  PG_LEVEL_1G(2, 512 * 512);

  /** values() copies its array on every call; lower() and upper() are on the hottest paths. */
  private static final Level[] LEVELS = values();

  private final int tdxLevel;
  private final long pages;

  Level(int tdxLevel, long pages) {
    this.tdxLevel = tdxLevel;
    this.pages = pages;
  }

  /** The TDX ABI's level encoding (0 = 4K). */
  public int tdxLevel() {
    return tdxLevel;
  }

  /** KVM_PAGES_PER_HPAGE(level): how many 4K pages one leaf at this level maps. */
  public long pages() {
    return pages;
  }

  /** The first gfn of the naturally aligned range at this level that contains {@code gfn}. */
  public long base(long gfn) {
    return gfn & ~(pages - 1);
  }

  public boolean isAligned(long gfn) {
    return (gfn & (pages - 1)) == 0;
  }

  /** The next smaller level; PG_LEVEL_4K has none. */
  public Level lower() {
    if (this == PG_LEVEL_4K) throw new IllegalStateException("no level below 4K");
    return LEVELS[ordinal() - 1];
  }

  public Level upper() {
    if (this == PG_LEVEL_1G) throw new IllegalStateException("no level above 1G in this model");
    return LEVELS[ordinal() + 1];
  }

  public String shortName() {
    return switch (this) {
      case PG_LEVEL_4K -> "4K";
      case PG_LEVEL_2M -> "2M";
      case PG_LEVEL_1G -> "1G";
    };
  }
}
