package tdxsim.stress.record;

import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.trace.Trace;

/**
 * What a parallel run recorded: enough to re-run it on the deterministic runtime and to know whether the re-run
 * came out the same. Each world actor's receive order is the whole schedule: actors are deterministic functions of
 * the messages they receive, in order, so any execution that delivers every actor its recorded messages in its
 * recorded order reaches the same state. Stored as JSON by {@link RecordFile}.
 *
 * @param toolVersion tdxsim version that wrote it
 * @param modelVersion the model's version (a record of another model version is refused)
 * @param scenario the scenario's name and its full text (or, for the generated stress scenario, its spec)
 * @param options design options in effect
 * @param vcpus the VM's vCPU count
 * @param worldSeed the seed the world was created with ({@code WorldFactory#create})
 * @param threads pool threads of the run
 * @param elapsedNanos wall time of the run
 * @param stoppedBy why the run ended ({@code QUIESCENT}, {@code DURATION}, {@code VIOLATION}, {@code INTERRUPTED})
 * @param orders every world actor's receive order
 * @param violation the run's verdict: null means ok
 * @param finalStateHash the world's state hash at the final cut
 */
public record Record(
    String toolVersion,
    String modelVersion,
    Trace.Scenario scenario,
    List<String> options,
    int vcpus,
    long worldSeed,
    int threads,
    long elapsedNanos,
    String stoppedBy,
    ReceiveOrders orders,
    Violation violation,
    long finalStateHash) {

  public Record {
    options = List.copyOf(options);
    assert scenario != null : "a record without its scenario or orders";
    assert orders != null : "a record without its scenario or orders";
    assert stoppedBy != null : "a record without its scenario or orders";
  }

  public Optional<Violation> verdict() {
    assert orders != null : "a record without its orders";
    return Optional.ofNullable(violation);
  }

  /** Messages delivered in all (entries in every receive order). */
  public long deliveries() {
    assert orders.actors() != null : "a record without receive orders";
    return orders.deliveries();
  }
}
