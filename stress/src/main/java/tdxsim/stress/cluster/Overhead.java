package tdxsim.stress.cluster;

/** The coordinator's overhead per range, summed as ranges come back (mean figures; the clock decides nothing). */
final class Overhead {
  private long ranges;
  private long handlingNanos;
  private long roundTripNanos;

  void add(long handling, long roundTripBeyondRun) {
    ranges++;
    handlingNanos += handling;
    roundTripNanos += Math.max(0, roundTripBeyondRun);
  }

  double handlingMicros() {
    return ranges == 0 ? 0 : handlingNanos / 1e3 / ranges;
  }

  double roundTripMicros() {
    return ranges == 0 ? 0 : roundTripNanos / 1e3 / ranges;
  }
}
