package tdxsim.stress.runtime;

/**
 * 64-bit FNV-1a, the hash used for delivery sequences (and a convenient one for models' state hashes): defined
 * by its constants alone, so equal inputs hash equal on every JVM.
 */
public final class Fnv {
  public static final long OFFSET = 0xcbf29ce484222325L;
  public static final long PRIME = 0x100000001b3L;

  private Fnv() {}

  /** Mixes the four bytes of {@code v}, little end first. */
  public static long mix(long h, int v) {
    for (int i = 0; i < 4; i++) {
      h ^= (v >>> (8 * i)) & 0xff;
      h *= PRIME;
    }
    return h;
  }

  /** Mixes the eight bytes of {@code v}, little end first. */
  public static long mix(long h, long v) {
    return mix(mix(h, (int) v), (int) (v >>> 32));
  }

  /** Mixes a string's UTF-16 code units and its length (so that "ab","c" and "a","bc" differ). */
  public static long mix(long h, String s) {
    assert s != null : "FNV of no string";
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h ^= c & 0xff;
      h *= PRIME;
      h ^= c >>> 8;
      h *= PRIME;
    }
    return mix(h, s.length());
  }
}
