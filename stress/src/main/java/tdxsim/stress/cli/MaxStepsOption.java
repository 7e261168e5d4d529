package tdxsim.stress.cli;

import picocli.CommandLine.Option;
import tdxsim.stress.runtime.Budget;

/** {@code --max-steps}: the search commands' liveness bound on one schedule (explore, hunt, compare, catalogue). */
final class MaxStepsOption {
  static final long DEFAULT = Budget.MODEL_MAX_STEPS;

  @Option(names = "--max-steps", paramLabel = "N", defaultValue = "" + DEFAULT,
      description = "Deliveries allowed per schedule before it is a liveness violation. Default: ${DEFAULT-VALUE}.")
  long maxSteps;

  /** The bound; a bound below one is bad input. */
  long value() {
    if (maxSteps <= 0) throw new BadInput("--max-steps must be positive, got " + maxSteps);
    return maxSteps;
  }
}
