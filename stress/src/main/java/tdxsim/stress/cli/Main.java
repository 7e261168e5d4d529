package tdxsim.stress.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./tdxsim}: the command line. Exit codes are the contract the tests, CI and the README use; every
 * command's {@code --help} lists them ({@link #EXIT_CODES}).
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
      HuntCommand.class,
      WorkerCommand.class,
    })
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_VIOLATION = 1;
  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_INTERNAL_ERROR = 3;
  public static final int EXIT_INCOMPLETE = 4;
  static final int HELP_WIDTH = 120;

  /** The exit codes, as every {@code --help} prints them. */
  static final Map<String, String> EXIT_CODES = exitCodes();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try --help)");
  }

  public static void main(String[] args) {
    OutOfMemory.install();
    CommandLine cl = commandLine();
    int code;
    try {
      code = cl.execute(args);
    } catch (OutOfMemoryError e) {
      code = BadInputHandler.onOutOfMemory(cl, e, args);
    }
    System.exit(code);
  }

  private static Map<String, String> exitCodes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("0", "done: no violation (replay: reproduced exactly)");
    m.put("1", "a violation was found and its trace written (replay: diverged; report: the replay left the trace)");
    m.put("2", "bad input, or a result that could not be written: one line on stderr (what a run found is on "
        + "stdout)");
    m.put("3", "internal error: the model failed, or the heap ran out (not a protocol violation)");
    m.put("4", "explore --require-all: the time limit stopped the run before every schedule ran");
    m.put("130", "interrupted by SIGINT (Ctrl-C): the summary so far is printed, what was found is written");
    m.put("143", "interrupted by SIGTERM: the same");
    return m;
  }

  /** The configured command line; tests call {@code execute} on it directly. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // the texts are written in lines of up to 110 characters: at picocli's default 80 they were cut mid-sentence
    cl.setUsageHelpWidth(HELP_WIDTH);
    cl.setExecutionExceptionHandler(new BadInputHandler());
    cl.setParameterExceptionHandler(BadInputHandler::onParameterError);
    withExitCodes(cl);
    return cl;
  }

  private static void withExitCodes(CommandLine cl) {
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
    cl.getSubcommands().values().forEach(Main::withExitCodes);
  }
}
