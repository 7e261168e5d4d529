package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tdxsim.stress.cluster.ClusterSecret;
import tdxsim.stress.cluster.ClusterWorker;
import tdxsim.stress.cluster.HostPort;
import tdxsim.stress.cluster.WorkerOutcome;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Join the cluster of a coordinator (explore --cluster HOST:PORT) and run its ranges on N deterministic systems,",
      "one per thread, until the coordinator ends the run. The node must present the cluster's shared secret",
      "(--secret-file or $" + ClusterSecret.ENV + ") and run the coordinator's model version, or it is refused.",
      "Exit 0: the run is over; 2: bad input, refused at join, or no coordinator at HOST:PORT; 3: the coordinator",
      "left mid-run."
    })
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Option(names = "--join", paramLabel = "HOST:PORT", required = true,
      description = "The coordinator's address (its --cluster); port default " + ClusterOptions.DEFAULT_PORT + ".")
  String join;

  @Option(names = "--workers", paramLabel = "N",
      description = "Deterministic systems on this node, one per thread. Default: the machine's cores.")
  Integer workers;

  @Option(names = "--bind", paramLabel = "HOST[:PORT]", defaultValue = HostPort.DEFAULT_HOST + ":0",
      description = "This node's address, which the coordinator must reach (port 0: any free one). "
          + "Default: ${DEFAULT-VALUE}.")
  String bind;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "The cluster's shared secret (the same on every node). Default: $" + ClusterSecret.ENV + ".")
  Path secretFile;

  @Override
  public Integer call() {
    int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    if (n <= 0) throw new BadInput("--workers must be positive, got " + n);
    HostPort coordinator = address("--join", join, ClusterOptions.DEFAULT_PORT);
    HostPort self = address("--bind", bind, 0);
    ClusterSecret secret;
    try {
      secret = ClusterSecret.load(secretFile);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "worker: joining the coordinator at %s from %s with %d worker%s%n", coordinator, self, n,
        n == 1 ? "" : "s");
    out.flush();
    WorkerOutcome o;
    try {
      o = ClusterWorker.run(coordinator, self, n, secret);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage(), e);
    }
    out.printf(Locale.ROOT, "worker: %s; ran %d ranges, %d indices%n", o.why(), o.ranges(), o.indices());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "worker");
    summary.put("outcome", o.kind().name());
    summary.put("ranges", o.ranges());
    summary.put("indices", o.indices());
    json.print(out, summary);
    return switch (o.kind()) {
      case FINISHED -> Main.EXIT_OK;
      case REFUSED, UNREACHABLE -> throw BadInput.afterSummary(o.why());
      case COORDINATOR_LOST -> throw new ModelFailure(o.why());
    };
  }

  private static HostPort address(String option, String value, int defaultPort) {
    try {
      return HostPort.parse(value, defaultPort);
    } catch (IllegalArgumentException e) {
      throw new BadInput(option + ": " + e.getMessage(), e);
    }
  }
}
