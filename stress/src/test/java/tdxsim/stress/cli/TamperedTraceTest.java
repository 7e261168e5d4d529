package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The final-state hash of a trace covers the world that ran (scenario text, options, model version): a trace whose
 * embedded scenario was edited is refused by replay, even though the world it now names can follow its decisions.
 */
class TamperedTraceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aTraceWhoseScenarioGainedAVcpuDoesNotReproduce() throws Exception {
    Path scenario = dir.resolve("one.conf");
    Files.writeString(scenario, "name = one\nvcpus = 1\nranges-2m = 1\n"
        + "workloads = [ [ { op = accept, at = r0, pages = 512 } ] ]\n");
    CliRun run = CliRun.of("explore", "--scenario", scenario.toString(), "--schedules", "1", "--out",
        dir.toString(), "--json");
    assertEquals(Main.EXIT_OK, run.exit(), run.out() + run.err());
    Path trace = Path.of(JSON.readTree(run.lastLine()).get("trace").asText());
    CliRun honest = CliRun.of("replay", trace.toString());
    assertEquals(Main.EXIT_OK, honest.exit(), honest.out() + honest.err());

    for (String[] edit : new String[][] {{"vcpus = 1", "vcpus = 2"}, {"name = one", "name = two"}}) {
      ObjectNode t = (ObjectNode) JSON.readTree(trace.toFile());
      ObjectNode s = (ObjectNode) t.get("scenario");
      String text = s.get("source").asText();
      assertTrue(text.contains(edit[0]), text);
      s.put("source", text.replace(edit[0], edit[1]));
      Path tampered = dir.resolve("tampered.json");
      JSON.writeValue(tampered.toFile(), t);
      CliRun replay = CliRun.of("replay", tampered.toString(), "--json");
      assertEquals(Main.EXIT_VIOLATION, replay.exit(), edit[1] + ": " + replay.out() + replay.err());
      JsonNode r = JSON.readTree(replay.lastLine());
      assertNotEquals("REPRODUCED", r.get("outcome").asText(), edit[1]);
      assertEquals(false, r.get("reproduced").asBoolean(), edit[1]);
    }
  }
}
