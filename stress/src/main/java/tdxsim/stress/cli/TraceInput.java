package tdxsim.stress.cli;

import java.nio.file.Path;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.trace.TraceFormatException;

/** Reads a trace for a subcommand; a malformed one, or one from another model version, is bad input. */
public final class TraceInput {
  private TraceInput() {}

  public static Trace read(Path file) {
    try {
      return TraceFile.read(file, ModelVersion.VERSION);
    } catch (TraceFormatException e) {
      throw new BadInput(e.getMessage(), e);
    }
  }
}
