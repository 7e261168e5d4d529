package tdxsim.stress.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;

/**
 * Ends a command that failed: bad input (and an output that could not be written) is one line on stderr and exit
 * code 2; the model failing or the heap running out is one line and exit 3; anything else is a bug in tdxsim and
 * keeps its stack trace, exit 3, so that it is never mistaken for a verdict. With {@code --json}, stdout's last
 * line is then {@code {"error": "..."}}.
 */
final class BadInputHandler implements CommandLine.IExecutionExceptionHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    boolean json = parseResult != null && wantsJson(parseResult.originalArgs().toArray(new String[0]));
    if (ex instanceof BadInput b) return fail(cl, ex.getMessage(), json && !b.summaryPrinted(), Main.EXIT_BAD_INPUT);
    if (ex instanceof ModelFailure) return fail(cl, ex.getMessage(), false, Main.EXIT_INTERNAL_ERROR);
    ex.printStackTrace(cl.getErr());
    return fail(cl, "internal error: " + ex, json, Main.EXIT_INTERNAL_ERROR);
  }

  static int onParameterError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    String m = ex.getMessage();
    return fail(cl, m.contains("--help") ? m : m + " (see --help)", wantsJson(args), Main.EXIT_BAD_INPUT);
  }

  /** Out of memory anywhere in a command: one line, exit 3 (the heap is what to fix, not the input). */
  static int onOutOfMemory(CommandLine cl, OutOfMemoryError e, String[] args) {
    return fail(cl, OutOfMemory.line(e), wantsJson(args), Main.EXIT_INTERNAL_ERROR);
  }

  /** "tdxsim explore: problem" (the top-level command is just "tdxsim: problem"). */
  private static int fail(CommandLine cl, String message, boolean json, int code) {
    String prefix = cl.getParent() == null ? "tdxsim" : "tdxsim " + cl.getCommandName();
    String line = message.startsWith(cl.getCommandName() + ": ") ? message.substring(cl.getCommandName().length() + 2)
        : message;
    cl.getErr().println(prefix + ": " + line.replace('\n', ' '));
    cl.getErr().flush();
    if (json) {
      try {
        cl.getOut().println(JSON.writeValueAsString(Map.of("error", line, "exitCode", code)));
      } catch (JsonProcessingException impossible) {
        throw new IllegalStateException(impossible);
      }
      cl.getOut().flush();
    }
    return code;
  }

  private static boolean wantsJson(String[] args) {
    return Arrays.asList(args).contains("--json");
  }
}
