package tdxsim.actors.vm;

/** A gfn range [gfn, gfn + pages). */
public record GfnRange(long gfn, long pages) {
  public GfnRange {
    if (pages < 1) throw new IllegalArgumentException("pages < 1");
    assert gfn >= 0 && gfn + pages > gfn : "a gfn range [" + gfn + ", +" + pages + ")";
  }

  public long end() {
    return gfn + pages;
  }
}
