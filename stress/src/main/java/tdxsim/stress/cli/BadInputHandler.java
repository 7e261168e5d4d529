package tdxsim.stress.cli;

import picocli.CommandLine;

/**
 * Turns bad input into one line on stderr and exit code 2. Anything else is a bug in tdxsim: it keeps
 * its stack trace and exits 3, so that it is never mistaken for a verdict.
 */
final class BadInputHandler implements CommandLine.IExecutionExceptionHandler {
  static final int EXIT_INTERNAL_ERROR = 3;

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    if (ex instanceof BadInput) {
      cl.getErr().println("tdxsim " + cl.getCommandName() + ": " + ex.getMessage());
      return Main.EXIT_BAD_INPUT;
    }
    ex.printStackTrace(cl.getErr());
    return EXIT_INTERNAL_ERROR;
  }

  static int onParameterError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    cl.getErr().println("tdxsim " + cl.getCommandName() + ": " + ex.getMessage() + " (see --help)");
    return Main.EXIT_BAD_INPUT;
  }

}
