package tdxsim.actors.kvm;

import java.util.function.Consumer;

/**
 * What a {@link KvmContext} waits for, by reply tag: the reply's type and the continuation. An open-addressed table
 * of primitive tags (linear probing, at most half full, deletion by backward shift): a map of boxed tags allocated a
 * {@code Long}, a map entry and a wrapping lambda per request, a fifth of all the bytes a stress run allocated
 * (JFR). Nothing iterates it, so its order is irrelevant.
 */
final class ReplyWaits {
  /** A vCPU waits for one or two replies at a time: 4 slots (at most half full), doubled when needed. */
  private long[] tags = new long[4];
  private Class<?>[] types = new Class<?>[4];
  private Consumer<?>[] ks = new Consumer<?>[4];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  boolean contains(long tag) {
    return find(tag) >= 0;
  }

  void put(long tag, Class<?> type, Consumer<?> k) {
    assert type != null && k != null && find(tag) < 0 : "tag " + tag + " put twice";
    if (2 * (size + 1) > tags.length) grow();
    insert(tag, type, k);
    size++;
    assert 2 * size <= tags.length : "the reply table is over half full: " + size + " of " + tags.length;
    assert invariant();
  }

  /** The type awaited for {@code tag} (null if none); {@link #remove} then gives its continuation. */
  Class<?> type(long tag) {
    int i = find(tag);
    return i < 0 ? null : types[i];
  }

  /** Removes {@code tag}'s wait and returns its continuation, or null if nothing waits for it. */
  Consumer<?> remove(long tag) {
    int i = find(tag);
    if (i < 0) return null;
    Consumer<?> k = ks[i];
    int mask = tags.length - 1;
    types[i] = null;
    ks[i] = null;
    size--;
    for (int j = (i + 1) & mask; ks[j] != null; j = (j + 1) & mask) { // backward shift: no probe chain breaks
      int home = slot(tags[j], mask);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        tags[i] = tags[j];
        types[i] = types[j];
        ks[i] = ks[j];
        types[j] = null;
        ks[j] = null;
        i = j;
      }
    }
    assert size >= 0 && find(tag) < 0 : "tag " + tag + " still found after its removal";
    assert invariant();
    return k;
  }

  private int find(long tag) {
    int mask = tags.length - 1;
    for (int i = slot(tag, mask); ks[i] != null; i = (i + 1) & mask) {
      if (tags[i] == tag) return i;
    }
    return -1;
  }

  private void insert(long tag, Class<?> type, Consumer<?> k) {
    assert Integer.bitCount(tags.length) == 1 && k != null : "a table of " + tags.length + " slots masks wrongly";
    int mask = tags.length - 1;
    int i = slot(tag, mask);
    while (ks[i] != null) i = (i + 1) & mask;
    tags[i] = tag;
    types[i] = type;
    ks[i] = k;
  }

  private void grow() {
    long[] t = tags;
    Class<?>[] ty = types;
    Consumer<?>[] k = ks;
    tags = new long[t.length * 2];
    types = new Class<?>[t.length * 2];
    ks = new Consumer<?>[t.length * 2];
    for (int i = 0; i < t.length; i++) if (k[i] != null) insert(t[i], ty[i], k[i]);
    assert java.util.Arrays.stream(ks).filter(java.util.Objects::nonNull).count() == size : "lost a wait growing";
    assert invariant();
  }

  /** Three parallel arrays of one power-of-two length (the probe mask), at most half full. */
  private boolean invariant() {
    assert Integer.bitCount(tags.length) == 1 && types.length == tags.length && ks.length == tags.length
        : "reply table arrays of " + tags.length + "/" + types.length + "/" + ks.length + " slots";
    assert size >= 0 && 2 * size <= tags.length : size + " waits in " + tags.length + " slots";
    return true;
  }

  private static int slot(long tag, int mask) {
    return (int) ((tag * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }
}
