package tdxsim.stress.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./tdxsim}: the command line. Exit codes are the contract the tests and the README use:
 * 0 = done, no violation; 1 = a violation was found (a trace was written); 2 = bad input, one line on stderr.
 */
@Command(
    name = "tdxsim",
    mixinStandardHelpOptions = true,
    versionProvider = Versions.class,
    description = "Actor-based simulator of the KVM TDX huge-page protocol: explore schedules, replay races.",
    subcommands = {
      ExploreCommand.class,
      ReplayCommand.class,
      StressCommand.class,
      MinimizeCommand.class,
      ReportCommand.class,
      ListCommand.class,
      BenchCommand.class,
      CatalogueCommand.class, CompareCommand.class,
    })
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_VIOLATION = 1;
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try --help)");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests call {@code execute} on it directly. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(new BadInputHandler());
    cl.setParameterExceptionHandler(BadInputHandler::onParameterError);
    return cl;
  }
}
