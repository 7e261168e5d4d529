package tdxsim.actors.invariants;

/**
 * A deterministic 64-bit hash over a canonical sequence of longs and strings (no {@code Object.hashCode} of
 * anything but the values fed in, so it is stable across runs and JVMs): replay compares it to prove it
 * reproduced the same final state [docs/architecture.md, "Replay"].
 */
final class StateHasher {
  private long h = 0x6a09e667f3bcc908L;
  private long n;

  void add(long x) {
    assert n >= 0 : "the hasher's count overflowed";
    n++;
    h = Long.rotateLeft(h ^ mix(x + n * 0x9E3779B97F4A7C15L), 29) * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
  }

  void add(boolean b) {
    add(b ? 1 : 0);
  }

  void str(String s) {
    assert s != null : "hash of no string";
    add(s.length());
    for (int i = 0; i < s.length(); i++) add(s.charAt(i));
  }

  long value() {
    assert n > 0 : "the hash of nothing";
    return mix(h ^ n);
  }

  /** splitmix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
