package tdxsim.stress.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.stress.cli.CliRun;

/**
 * The HTML chart of the README's R5 race in headless Chromium (Debian's {@code chromium}; .ci/run installs it, and
 * without it this test is skipped): the lanes and every step are rendered, the racing steps carry their highlight,
 * opening a step (a link to {@code #step-N}, which runs the click handler) shows its message and the state after
 * it, and the page logs nothing to the console (no script error).
 */
class HtmlChromiumTest {
  @TempDir Path dir;

  @Test
  void theR5ChartRendersHighlightsAndOpensAStep() throws Exception {
    Path chromium = onPath("chromium");
    // CI (.ci/run, CI=true) installs chromium: there a missing browser is a failure, not a skip
    assertTrue(chromium != null || !"true".equals(System.getenv("CI")), "CI=true but chromium is not on the PATH");
    assumeTrue(chromium != null, "chromium is not installed (.ci/run installs it)");
    Path out = dir.resolve("traces");
    CliRun explore = CliRun.of("explore", "--scenario", "race-r5", "--option", "mut-no-retry-check", "--strategy", "pct",
        "--workers", "1", "--out", out.toString());
    assertEquals(1, explore.exit(), explore.err());
    Path trace = out.resolve("explore-race-r5-pct-seed1-violation.json");
    Path html = dir.resolve("r5.html");
    CliRun report = CliRun.of("report", trace.toString(), "--html", html.toString());
    assertEquals(0, report.exit(), report.err());
    String page = Files.readString(html);
    Matcher racing = Pattern.compile("<g class=\"step racing\" id=\"step-(\\d+)\"").matcher(page);
    assertTrue(racing.find(), "a racing step");
    String step = racing.group(1);

    List<String> log = new ArrayList<>();
    String dom = dumpDom(chromium, html.toUri() + "#step-" + step, log);
    assertEquals(count(page, "<g class=\"actor"), count(dom, "<g class=\"actor"), "every lane rendered");
    for (String lane : List.of("vcpu-0", "guest-memfd", "vmm", "mmu-lock", "tdp-mmu-0", "tdx-module")) {
      assertTrue(dom.contains(">" + lane + "</text>"), lane);
    }
    assertEquals(count(page, "<g class=\"step"), count(dom, "<g class=\"step"), "every step rendered");
    assertTrue(count(dom, "class=\"step racing") >= 2, "racing steps highlighted");
    assertTrue(page.contains(".step.racing .band { fill: #ffe2b0; }"), "the highlight's style");
    assertTrue(dom.contains("<h2>step " + step + "</h2>"), "the step's detail opened");
    assertTrue(dom.contains("state after step " + step), "with the state after it");
    assertTrue(dom.contains("mmu_lock holders"), dom);
    assertEquals(List.of(), log.stream().filter(l -> l.contains(":CONSOLE")).toList(), "no console output");
  }

  private static String dumpDom(Path chromium, String url, List<String> log) throws Exception {
    Path profile = Files.createTempDirectory("tdxsim-chromium");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--dump-dom", url)
        .redirectError(profile.resolve("stderr.txt").toFile()).start();
    String dom = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium ended");
    log.addAll(Files.readAllLines(profile.resolve("stderr.txt")));
    return dom;
  }

  private static int count(String s, String what) {
    return s.split(Pattern.quote(what), -1).length - 1;
  }

  private static Path onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }
}
