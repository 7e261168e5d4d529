package tdxsim.stress.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --json}: every subcommand prints one JSON object summarising its result as the last line of stdout. */
public final class JsonOption {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--json", description = "Print a one-line JSON summary as the last line of stdout.")
  boolean json;

  /** Prints {@code summary} on one line if --json was given. */
  void print(PrintWriter out, Map<String, ?> summary) {
    if (!json) return;
    try {
      out.println(JSON.writeValueAsString(summary));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("summary is not serialisable", e);
    }
    out.flush();
  }
}
