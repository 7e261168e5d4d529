package tdxsim.stress.cli;

import picocli.CommandLine.Option;

/** {@code --workers}: deterministic systems side by side in one process (explore, hunt). */
final class WorkersOption {
  @Option(names = "--workers", paramLabel = "N",
      description = {"Deterministic systems run side by side, one per thread. Default: the machine's cores.",
          "The verdict, the trace and the hash do not depend on N."})
  Integer workers;

  /** The workers to run: as given, else one per core; fewer than one is bad input. */
  int count() {
    int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    if (n <= 0) throw new BadInput("--workers must be positive, got " + n);
    return n;
  }

  /** As given on the command line, or null. */
  Integer given() {
    return workers;
  }
}
