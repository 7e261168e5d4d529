package tdxsim.stress.parallel;

import java.util.List;
import tdxsim.stress.record.Record;
import tdxsim.stress.trace.Trace;

/** Turns a recording parallel run's result into a {@link Record}. */
public final class Records {
  private Records() {}

  /**
   * @throws IllegalArgumentException if the run did not record
   */
  public static Record of(ParallelResult r, String toolVersion, String modelVersion, Trace.Scenario scenario,
      List<String> options, int vcpus, long worldSeed, int threads) {
    if (r.orders() == null) throw new IllegalArgumentException("the run did not record its receive orders");
    assert vcpus >= 0 : "a record of " + vcpus + " vCPUs on " + threads;
    assert threads >= 1 : "a record of " + vcpus + " vCPUs on " + threads;
    assert scenario != null : "a record of " + vcpus + " vCPUs on " + threads;
    return new Record(toolVersion, modelVersion, scenario, options, vcpus, worldSeed, threads, r.elapsedNanos(),
        r.stoppedBy().name(), r.orders(), r.violation(), r.stateHash());
  }
}
