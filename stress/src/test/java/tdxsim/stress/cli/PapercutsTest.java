package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The papercuts of issue 12 that are not bad input: hex seeds as printed, one prefix, help lines whole. */
class PapercutsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aSeedInHexIsTheSameSeedAsInDecimal() throws Exception {
    JsonNode hex = explore("0x10");
    JsonNode dec = explore("16");
    assertEquals(16, hex.get("seed").asLong());
    assertEquals(dec.get("finalStateHash").asText(), hex.get("finalStateHash").asText());
  }

  private JsonNode explore(String seed) throws Exception {
    CliRun run = CliRun.of("explore", "--scenario", "small", "--schedules", "2", "--seed", seed, "--out",
        dir.toString(), "--json");
    assertEquals(Main.EXIT_OK, run.exit(), run.out() + run.err());
    return JSON.readTree(run.lastLine());
  }

  @Test
  void noSubcommandIsOneLineWithOnePrefix() {
    CliRun run = CliRun.of();
    assertEquals(Main.EXIT_BAD_INPUT, run.exit());
    assertEquals("tdxsim: missing subcommand (try --help)", run.err().strip());
  }

  @Test
  void helpTextsAreNotCutMidSentence() {
    CliRun run = CliRun.of("explore", "--help");
    assertTrue(run.out().contains("The --out directory is checked before the run: if the trace still cannot be "
        + "written,\n"), run.out());
    for (String line : run.out().split("\n")) assertTrue(line.length() <= Main.HELP_WIDTH, line);
  }
}
