package tdxsim.stress.report;

import tdxsim.stress.cli.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./tdxsim report} on a real TDX trace of the small scenario (one schedule, verdict ok). */
class ReportCommandTest {
  @TempDir static Path dir;
  static Path trace;

  @BeforeAll
  static void explore() throws Exception {
    CliRun r = CliRun.of("explore", "--scenario", "small", "--schedules", "1", "--out", dir.toString());
    try (var files = Files.list(dir)) {
      trace = files.filter(f -> f.getFileName().toString().startsWith("explore-")).findFirst()
          .orElseThrow(() -> new AssertionError("explore wrote no trace: " + r));
    }
  }

  @Test
  void itDrawsOneColumnPerCpuContextWithThePassiveActorsInTheirCallersColumns() {
    CliRun r = CliRun.of("report", trace.toString(), "--all", "--json");
    assertTrue(r.exit() == 0, r.toString());
    List<String> lines = r.out().lines().toList();
    String header = lines.stream().filter(l -> l.startsWith("step  ")).findFirst().orElseThrow();
    assertTrue(header.contains("vcpu-0") && header.contains("vcpu-1") && header.contains("vmm"), header);
    assertTrue(!header.contains("tdp-mmu") && !header.contains("mmu-lock"), "passive actors: " + header);
    for (String l : lines.subList(0, lines.size() - 1)) assertTrue(l.length() <= 160, l);
    assertTrue(r.out().contains("-> tdx-module: Tdh"), "SEAMCALLs in their caller's column");
    assertTrue(r.out().matches("(?s).*gfn=0x[0-9a-f]+ PG_LEVEL_(4K|2M).*"), "gfns in hex, levels by name");
    assertTrue(r.lastLine().startsWith("{\"command\":\"report\""), r.lastLine());
    assertTrue(r.lastLine().contains("\"reproduced\":true"), r.lastLine());
    long rows = lines.stream().filter(l -> l.matches(" *\\d+  .*")).count();
    assertTrue(r.lastLine().contains("\"steps\":" + rows + ","), rows + " rows: " + r.lastLine());
  }

  @Test
  void theHtmlChartIsWrittenOnRequest() throws Exception {
    Path html = dir.resolve("out/chart.html");
    CliRun r = CliRun.of("report", trace.toString(), "--html", html.toString(), "--steps", "1-20");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("html: " + html), r.out());
    String text = Files.readString(html);
    assertTrue(text.startsWith("<!DOCTYPE html>") && text.contains("<svg") && text.contains("id=\"step-1\""));
  }

  @Test
  void badStepsAndBadTracesAreBadInput() throws Exception {
    CliRun steps = CliRun.of("report", trace.toString(), "--steps", "x-y");
    assertEquals(2, steps.exit(), steps.toString());
    assertTrue(steps.err().contains("'x-y' is not a step range"), steps.err());
    Path other = dir.resolve("other-model.json");
    Files.writeString(other, Files.readString(trace).replaceFirst("\"modelVersion\": \"[^\"]*\"",
        "\"modelVersion\": \"tdx-hugepage-v0/0\""));
    CliRun version = CliRun.of("report", other.toString());
    assertEquals(2, version.exit(), version.toString());
    assertTrue(version.err().contains("was written for model version tdx-hugepage-v0/0"), version.err());
  }
}
