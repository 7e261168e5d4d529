package tdxsim.stress.hunt;

/**
 * One drawn step of a generated world before it is written out: a guest op or a VMM action over pages
 * {@code [start, start + pages)} of the memslot (0 is its first page).
 *
 * @param kind what it does
 * @param start first page, from the memslot's start
 * @param pages pages
 * @param tail the rest of the step's keys ({@code , style = tolerant, max-level = 4K}), or ""
 */
record GenOp(Kind kind, long start, long pages, String tail) {
  enum Kind {
    ACCEPT("accept"), TOUCH("touch"), PREFETCH("prefetch"), TO_SHARED("map-gpa"), TO_PRIVATE("map-gpa"),
    PUNCH_HOLE("punch-hole"), CONVERT_SHARED("convert"), CONVERT_PRIVATE("convert"), NMI("nmi"),
    DESTROY("destroy"), INTERRUPT("interrupt"), DELETE_MEMSLOT("delete-memslot");

    final String op;

    Kind(String op) {
      this.op = op;
    }

    /** A private access by the guest (or KVM on its behalf): must not meet pages converted to shared. */
    boolean privateAccess() {
      return this == ACCEPT || this == TOUCH || this == PREFETCH;
    }

    boolean backToPrivate() {
      return this == TO_PRIVATE || this == CONVERT_PRIVATE;
    }

    boolean toShared() {
      return this == TO_SHARED || this == CONVERT_SHARED;
    }
  }

  /** An ACCEPT of a guest that retries a BUSY one (style tolerant), not Linux's. */
  boolean tolerantAccept() {
    return kind == Kind.ACCEPT && tail.contains("style = tolerant");
  }

  boolean overlaps(GenOp o) {
    return start < o.start + o.pages && o.start < start + pages;
  }

  GenOp at(long newStart, long newPages) {
    return new GenOp(kind, newStart, newPages, tail);
  }

  GenOp as(Kind k) {
    return new GenOp(k, start, pages, tail);
  }

  /** The step as scenario text. */
  String render() {
    if (kind == Kind.NMI) return "{ op = nmi, count = " + pages + " }";
    if (kind == Kind.DESTROY) return "{ op = destroy }";
    if (kind == Kind.INTERRUPT) return "{ op = interrupt }";
    long r = start / 512;
    long off = start % 512;
    String at = off == 0 ? "r" + r : "\"r" + r + "+" + off + "\"";
    String to = switch (kind) {
      case TO_SHARED, CONVERT_SHARED -> ", to = shared";
      case TO_PRIVATE, CONVERT_PRIVATE -> ", to = private";
      default -> "";
    };
    return "{ op = " + kind.op + ", at = " + at + ", pages = " + pages + to + tail + " }";
  }
}
