package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import picocli.CommandLine.Option;
import tdxsim.stress.cluster.ClusterFailure;
import tdxsim.stress.cluster.ClusterJob;
import tdxsim.stress.cluster.ClusterResult;
import tdxsim.stress.cluster.ClusterSearch;
import tdxsim.stress.cluster.ClusterSecret;
import tdxsim.stress.cluster.HostPort;
import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.SearchProgress;

/**
 * A search command's cluster options ({@code explore}, {@code hunt}): with {@code --cluster}
 * the command is the coordinator of a Pekko cluster and runs its ranges on the worker nodes that join it.
 */
final class ClusterOptions {
  static final int DEFAULT_PORT = 2552;

  @Option(names = "--cluster", paramLabel = "HOST:PORT",
      description = "Be the coordinator of a cluster bound to HOST:PORT (port default 2552): the ranges run on the "
          + "worker nodes that join it (./tdxsim worker --join HOST:PORT); the verdict, trace and hash are those of "
          + "one process.")
  String cluster;

  @Option(names = "--expect-workers", paramLabel = "K", defaultValue = "1",
      description = "With --cluster: worker nodes to wait for before the first range (more may join later). "
          + "Default: ${DEFAULT-VALUE}.")
  int expectWorkers;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "With --cluster: the cluster's shared secret (the same on every node). Default: $"
          + ClusterSecret.ENV + ".")
  Path secretFile;

  boolean enabled() {
    return cluster != null;
  }

  /** Refuses what does not go with a cluster run, before the run. */
  void check(Integer localWorkers) {
    if (!enabled()) {
      if (secretFile != null) throw new BadInput("--secret-file is for --cluster");
      return;
    }
    if (localWorkers != null) {
      throw new BadInput("--workers is per worker node (./tdxsim worker --workers N); a coordinator runs none");
    }
    if (expectWorkers < 1) throw new BadInput("--expect-workers must be positive, got " + expectWorkers);
    bind();
    secret();
  }

  /** Coverage is counted by this machine's workers: a coordinator runs none. */
  void checkCoverage(Object coverage) {
    if (coverage != null && enabled()) {
      throw new BadInput("--coverage is counted on this machine's workers only: drop --cluster or --coverage");
    }
  }

  HostPort bind() {
    try {
      return HostPort.parse(cluster, DEFAULT_PORT);
    } catch (IllegalArgumentException e) {
      throw new BadInput("--cluster: " + e.getMessage(), e);
    }
  }

  ClusterSecret secret() {
    try {
      return ClusterSecret.load(secretFile);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage(), e);
    }
  }

  /** Runs {@code job} as the coordinator; events (nodes joining, leaving, refused) go to {@code err}. */
  <R extends RangeOutcome> ClusterResult<R> run(ClusterJob<R> job, long total, Duration timeLimit,
      Consumer<SearchProgress> progress, BooleanSupplier stop, PrintWriter err) {
    Consumer<String> events = line -> {
      synchronized (err) {
        err.println("  cluster: " + line);
        err.flush();
      }
    };
    try {
      return ClusterSearch.run(job, total,
          new ClusterSearch.Settings(bind(), expectWorkers, secret(), timeLimit, stop, progress, events));
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage(), e);
    } catch (ClusterFailure e) {
      throw new ModelFailure("the cluster run failed: " + e.getMessage());
    }
  }

  /** The summary's line on the cluster, and its JSON. */
  static String line(ClusterResult<?> r) {
    return String.format(java.util.Locale.ROOT, "cluster: %d worker node%s, %d workers at most; %d range%s "
        + "reassigned after %d node%s left mid-range; per range %.0f us handling, %.1f ms round trip beyond the run",
        r.nodes(), r.nodes() == 1 ? "" : "s", r.search().workers(), r.search().reassigned(),
        r.search().reassigned() == 1 ? "" : "s", r.nodesLeft(), r.nodesLeft() == 1 ? "" : "s",
        r.handlingMicrosPerRange(), r.roundTripMicrosPerRange() / 1e3);
  }

  static Map<String, Object> json(ClusterResult<?> r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nodes", r.nodes());
    m.put("workers", r.search().workers());
    m.put("reassigned", r.search().reassigned());
    m.put("nodesLeft", r.nodesLeft());
    m.put("handlingMicrosPerRange", r.handlingMicrosPerRange());
    m.put("roundTripMicrosPerRange", r.roundTripMicrosPerRange());
    return m;
  }
}
