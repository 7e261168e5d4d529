package tdxsim.stress.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import tdxsim.stress.coverage.Coverage;
import tdxsim.stress.io.AtomicFiles;

/** {@code --coverage FILE}, shared by explore and hunt: the protocol tuples the run reached, as JSON. */
public final class CoverageOption {
  @Option(names = "--coverage", paramLabel = "FILE", description = {"Write the protocol tuples reached (SEAMCALL x",
      "S-EPT state x status, ACCEPT level x mapping level,", "flow x mmu_lock, the windows met) and those never",
      "reached, as JSON."})
  Path file;

  /** The accumulator to count into, or null without {@code --coverage}; the file's place is checked now. */
  Coverage start() {
    if (file == null) return null;
    OutputPlace.file("--coverage", file);
    return new Coverage();
  }

  /** Writes the file (if asked for) and says so on {@code out}. */
  void write(Coverage c, PrintWriter out) {
    if (c == null) return;
    try {
      String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(c.json());
      AtomicFiles.writeString(file, text + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.printf("coverage: %d tuples reached, %d of the known ones never: %s%n", c.reached().size(),
        c.neverReached().size(), file);
  }
}
