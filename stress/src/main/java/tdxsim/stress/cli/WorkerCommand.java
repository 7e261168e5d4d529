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
      "Join the cluster of a coordinator (explore|hunt --cluster HOST:PORT) and run its ranges on N deterministic",
      "systems, one per thread, until the coordinator ends the run; with --runs, serve the runs of the coordinators",
      "that come one after the other at HOST:PORT. The node must present the cluster's shared secret (--secret-file",
      "or $" + ClusterSecret.ENV + ") and run the coordinator's model version, or it is refused.",
      "Exit 0: the runs are over; 2: bad input, refused at join, or no coordinator at HOST:PORT (within 20 s, with",
      "--runs 1); 3: the coordinator left or stopped answering mid-run (killed: within about 10 s)."
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

  @Option(names = "--runs", paramLabel = "N", defaultValue = "1",
      description = "Runs to serve, one after the other, each joining the coordinator at --join afresh (0: until "
          + "stopped); with N other than 1 the node waits for each coordinator as long as it takes. "
          + "Default: ${DEFAULT-VALUE}.")
  int runs;

  @Override
  public Integer call() {
    int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    if (n <= 0) throw new BadInput("--workers must be positive, got " + n);
    if (runs < 0) throw new BadInput("--runs must be 0 (until stopped) or positive, got " + runs);
    HostPort coordinator = address("--join", join, ClusterOptions.DEFAULT_PORT);
    HostPort self = address("--bind", bind, 0);
    ClusterSecret secret;
    try {
      secret = ClusterSecret.load(secretFile);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "worker: joining the coordinator at %s from %s with %d worker%s%s%n", coordinator, self,
        n, n == 1 ? "" : "s", runs == 1 ? "" : runs == 0 ? ", serving runs until stopped" : ", serving " + runs + " runs");
    out.flush();
    long[] totals = new long[3]; // runs, ranges, indices
    WorkerOutcome o;
    try {
      o = ClusterWorker.serve(coordinator, self, n, secret, runs, r -> {
        totals[0]++;
        totals[1] += r.ranges();
        totals[2] += r.indices();
        out.printf(Locale.ROOT, "worker: %s%s; ran %d ranges, %d indices%n", runs == 1 ? "" : "run " + totals[0]
            + ": ", r.why(), r.ranges(), r.indices());
        out.flush();
      });
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage(), e);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "worker");
    summary.put("outcome", o.kind().name());
    summary.put("runs", totals[0]);
    summary.put("ranges", totals[1]);
    summary.put("indices", totals[2]);
    json.print(out, summary);
    return switch (o.kind()) {
      case FINISHED, MISSED -> Main.EXIT_OK;
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
