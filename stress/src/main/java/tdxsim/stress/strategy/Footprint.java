package tdxsim.stress.strategy;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.function.ToLongFunction;

/**
 * The guest memory a message is about, as the 2M ranges it touches: a record's {@code long gfn} component (one
 * range), or its {@code long start} and {@code long end} (a gfn range [start, end)). The protocol names every
 * message about guest memory that way (GetPfn, the SEAMCALLs on an S-EPT entry, the SPTE steps, PunchHole,
 * Convert, InvalidateBegin, the exits and replies that carry a gfn). Messages without such a component (a lock
 * request, a continuation, a kick) have no footprint: what they touch is their receiver alone.
 *
 * <p>Two steps whose footprints are disjoint work on different S-EPT entries, SPTEs and folios: the conflict
 * relation of {@link ConflictStrategy}, DPOR's dependence coarsened to 2M ranges.
 */
final class Footprint {
  /** No footprint. */
  static final long NONE = -1L;
  private static final MethodType LONG_OF_OBJECT = MethodType.methodType(long.class, Object.class);

  /**
   * Per message class: its gfn, start and end accessors (null where it has none), as functions made by
   * LambdaMetafactory: a strategy asks on every pick, and a MethodHandle that is not a constant costs a
   * delivery's worth of time per call.
   */
  private record Accessors(ToLongFunction<Object> gfn, ToLongFunction<Object> start, ToLongFunction<Object> end) {
    static final Accessors NONE = new Accessors(null, null, null);
  }

  private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
    @Override
    protected Accessors computeValue(Class<?> type) {
      return accessors(type);
    }
  };

  private Footprint() {}

  /**
   * The footprint of {@code message}: the first and last 2M range index packed as {@code (lo << 32) | hi}, or
   * {@link #NONE}.
   */
  static long of(Object message) {
    if (message == null) return NONE;
    Accessors a = ACCESSORS.get(message.getClass());
    if (a.gfn != null) {
      long r = range(a.gfn.applyAsLong(message));
      return pack(r, r);
    }
    if (a.start == null) return NONE;
    long start = a.start.applyAsLong(message);
    long end = a.end.applyAsLong(message);
    assert a.end != null : message.getClass() + " has a start but no end";
    return end <= start ? NONE : pack(range(start), range(end - 1));
  }

  /** Both have a footprint and they share a 2M range. */
  static boolean overlap(long a, long b) {
    assert a == NONE || lo(a) <= hi(a) : "footprint " + Long.toHexString(a);
    return a != NONE && b != NONE && lo(a) <= hi(b) && lo(b) <= hi(a);
  }

  static int lo(long f) {
    assert f != NONE : "the first range of no footprint";
    return (int) (f >>> 32);
  }

  static int hi(long f) {
    assert f != NONE : "the last range of no footprint";
    return (int) f;
  }

  static long pack(long lo, long hi) {
    assert lo >= 0 : "footprint [" + lo + ", " + hi + "]";
    assert lo <= hi : "footprint [" + lo + ", " + hi + "]";
    assert hi <= 0x7fffffffL : "footprint [" + lo + ", " + hi + "]";
    return (lo << 32) | (hi & 0xffffffffL);
  }

  /** The 2M range of a gfn (512 4K pages), kept to 31 bits. */
  private static long range(long gfn) {
    return (gfn >>> 9) & 0x7fffffffL;
  }

  private static Accessors accessors(Class<?> type) {
    if (!type.isRecord()) return Accessors.NONE;
    ToLongFunction<Object> gfn = null;
    ToLongFunction<Object> start = null;
    ToLongFunction<Object> end = null;
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getType() != long.class) continue;
      switch (c.getName()) {
        case "gfn" -> gfn = handle(c);
        case "start" -> start = handle(c);
        case "end" -> end = handle(c);
        default -> { }
      }
    }
    if (start == null || end == null) start = end = null;
    assert (start == null) == (end == null) : type + ": a start without an end";
    return gfn == null && start == null ? Accessors.NONE : new Accessors(gfn, start, end);
  }

  @SuppressWarnings("unchecked")
  private static ToLongFunction<Object> handle(RecordComponent c) {
    assert c.getType() == long.class : c + " is not a long";
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      var accessor = lookup.unreflect(c.getAccessor());
      return (ToLongFunction<Object>) LambdaMetafactory.metafactory(lookup, "applyAsLong",
          MethodType.methodType(ToLongFunction.class), LONG_OF_OBJECT, accessor, accessor.type())
          .getTarget().invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException("record component " + c, e);
    }
  }
}
