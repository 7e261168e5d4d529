package tdxsim.stress.runtime;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import tdxsim.stress.schedule.Decision;

/**
 * The decisions of one schedule, stored column-wise (no object per step while exploring) and turned into
 * {@link Decision}s only when someone looks. {@link #sequenceHash()} identifies the delivery sequence cheaply.
 */
public final class DecisionLog {
  private final String[] receivers;
  private final long[] seqs;
  private final String[] senders;
  private final Class<?>[] messages;
  private final int size;
  private final long sequenceHash;

  DecisionLog(String[] receivers, long[] seqs, String[] senders, Class<?>[] messages, int size, long hash) {
    this.receivers = receivers;
    this.seqs = seqs;
    this.senders = senders;
    this.messages = messages;
    this.size = size;
    this.sequenceHash = hash;
    assert size >= 0 : "a decision log of " + size;
    assert receivers.length == size : "a decision log of " + size;
    assert seqs.length == size : "a decision log of " + size;
    assert senders.length == size : "decision log columns of " + senders.length;
    assert messages.length == size : "decision log columns of " + senders.length;
  }

  public int size() {
    assert size >= 0 : "a decision log of " + size;
    return size;
  }

  public Decision get(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i);
    assert receivers[i] != null : "decision " + i + " without its actors";
    assert senders[i] != null : "decision " + i + " without its actors";
    return new Decision(receivers[i], seqs[i], senders[i], messages[i].getSimpleName());
  }

  /** FNV-1a over the (receiver, sender, message class name) hash codes of every step: equal sequences, equal hashes. */
  public long sequenceHash() {
    return sequenceHash;
  }

  public List<Decision> asList() {
    return new AbstractList<>() {
      @Override
      public Decision get(int i) {
        assert i >= 0 : "decision " + i;
        return DecisionLog.this.get(i);
      }

      @Override
      public int size() {
        assert size == receivers.length : "decision list of " + size;
        return size;
      }
    };
  }

  /** Mutable recorder the driver reuses across schedules. */
  static final class Recorder {
    private String[] receivers = new String[256];
    private long[] seqs = new long[256];
    private String[] senders = new String[256];
    private Class<?>[] messages = new Class<?>[256];
    private int size;
    private long hash;

    void clear() {
      assert seqs.length == receivers.length : "recorder columns of " + seqs.length + " and " + receivers.length;
      size = 0;
      assert size == 0 : "recorder not cleared";
      hash = Fnv.OFFSET;
    }

    void add(Lane lane) {
      if (size == seqs.length) grow();
      Channel receiver = lane.queue.self;
      String r = receiver.name;
      String s = lane.sender.name;
      Class<?> m = lane.peek().message().getClass();
      assert lane.queue.delivered >= 0 : "recording " + lane + " at " + size;
      assert size < seqs.length : "recording " + lane + " at " + size;
      receivers[size] = r;
      seqs[size] = lane.queue.delivered + 1;
      senders[size] = s;
      messages[size] = m;
      size++;
      // word-wise FNV-1a: String hash codes are cached and defined by the JLS, so this is stable across JVMs
      long h = hash;
      h = (h ^ receiver.nameHash) * Fnv.PRIME;
      h = (h ^ lane.sender.nameHash) * Fnv.PRIME;
      h = (h ^ lane.headClassHash(m)) * Fnv.PRIME;
      hash = h;
      assert size > 0 : "decision " + size + " not recorded";
      assert receivers[size - 1] == r : "decision " + size + " not recorded";
    }

    int size() {
      assert size >= 0 : "recorder of " + size + " in " + seqs.length;
      assert size <= seqs.length : "recorder of " + size + " in " + seqs.length;
      return size;
    }

    DecisionLog snapshot() {
      assert size <= seqs.length : "snapshot of " + size;
      return new DecisionLog(
          Arrays.copyOf(receivers, size),
          Arrays.copyOf(seqs, size),
          Arrays.copyOf(senders, size),
          Arrays.copyOf(messages, size),
          size,
          hash);
    }

    private void grow() {
      assert size == seqs.length : "grow of a recorder at " + size + " of " + seqs.length;
      int n = seqs.length * 2;
      receivers = Arrays.copyOf(receivers, n);
      seqs = Arrays.copyOf(seqs, n);
      senders = Arrays.copyOf(senders, n);
      messages = Arrays.copyOf(messages, n);
      assert receivers.length == n : "recorder columns after grow";
      assert senders.length == n : "recorder columns after grow";
      assert seqs.length == n : "recorder columns after grow";
    }
  }
}
