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
  }

  public int size() {
    return size;
  }

  public Decision get(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i);
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
        return DecisionLog.this.get(i);
      }

      @Override
      public int size() {
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
      size = 0;
      hash = Fnv.OFFSET;
    }

    void add(Lane lane) {
      if (size == seqs.length) grow();
      Channel receiver = lane.queue.self;
      String r = receiver.name;
      String s = lane.sender.name;
      Class<?> m = lane.peek().message().getClass();
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
    }

    int size() {
      return size;
    }

    DecisionLog snapshot() {
      return new DecisionLog(
          Arrays.copyOf(receivers, size),
          Arrays.copyOf(seqs, size),
          Arrays.copyOf(senders, size),
          Arrays.copyOf(messages, size),
          size,
          hash);
    }

    private void grow() {
      int n = seqs.length * 2;
      receivers = Arrays.copyOf(receivers, n);
      seqs = Arrays.copyOf(seqs, n);
      senders = Arrays.copyOf(senders, n);
      messages = Arrays.copyOf(messages, n);
    }
  }
}
