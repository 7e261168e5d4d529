package tdxsim.stress.parallel;

/**
 * How a {@link ParallelSystem} runs.
 *
 * @param threads pool threads (the default dispatcher's parallelism); default: one per core
 * @param recording whether world actors log their receive order (sender-minted ids) for a record
 * @param throughput messages per mailbox run before the thread moves on (Pekko's default is 5)
 * @param splitTds whether a world's TD may run on several threads at once even when the world would keep each TD on
 *     one thread ({@link ConcurrentWorld#tdsOnOneThread}); default: no
 */
public record ParallelSettings(int threads, boolean recording, int throughput, boolean splitTds) {
  public ParallelSettings {
    if (threads < 1) throw new IllegalArgumentException("threads < 1");
    if (throughput < 1) throw new IllegalArgumentException("throughput < 1");
  }

  public static ParallelSettings defaults() {
    return new ParallelSettings(Runtime.getRuntime().availableProcessors(), false, 5, false);
  }

  public ParallelSettings withThreads(int n) {
    assert n >= 1 : "a pool of " + n + " threads";
    return new ParallelSettings(n, recording, throughput, splitTds);
  }

  public ParallelSettings withRecording(boolean on) {
    assert threads >= 1 : "settings " + this;
    assert throughput >= 1 : "settings " + this;
    return new ParallelSettings(threads, on, throughput, splitTds);
  }

  public ParallelSettings withSplitTds(boolean on) {
    assert threads >= 1 && throughput >= 1 : "settings " + this;
    return new ParallelSettings(threads, recording, throughput, on);
  }
}
