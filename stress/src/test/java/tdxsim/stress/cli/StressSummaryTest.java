package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.parallel.ParallelResult;
import tdxsim.stress.parallel.StressProgress;
import tdxsim.stress.parallel.StressStats;

/** The stress summary's text lines and its --json object are printed from one record: they agree on the figures. */
class StressSummaryTest {
  private static StressSummary summary() {
    StressStats.Totals t = new StressStats.Totals();
    t.faults = 12_345;
    t.faultAttempts = 13_000;
    t.faultRetries = 655;
    t.accepts = 9_876;
    t.accepted = 9_000;
    t.acceptsBusy = 876;
    t.acceptsBusyHostPriority = 654;
    t.splits = 321;
    t.zaps = 4_321;
    t.busy = 77;
    t.conversions = 555;
    t.tdsRunnable = 3;
    StressSummary.Run run = new StressSummary.Run("stress", 200, 4, 2, List.of("mut-skip-track"), 12.5,
        ParallelResult.StopReason.VIOLATION, 7_654_321, 612_345.6, 42.0);
    StressSummary.Load load = new StressSummary.Load(2, 12.5, 0.4, 0.032, 10,
        List.of(new StressProgress.Window(10, 600_000, 30, 400, 7, 50, 0.03),
            new StressProgress.Window(12.5, 620_000, 20, 300, 0, 40, 0.04)));
    StressSummary.Latency lat = new StressSummary.Latency(12_345, 5.5, 9.25, 40.0, 120.5, 900.0);
    StressSummary.Checks checks = new StressSummary.Checks(true, 1, 48, 130.5, 1.04, 100.25, 30.25);
    StressSummary.Memory mem = new StressSummary.Memory(true, 200_000_000, 1_000_000, 50_000_000, 4_000_000_000L);
    Violation v = new Violation("tdx.example", "a constructed violation", List.of("vcpu-1"), List.of(0x100200L));
    StressSummary.Verdict verdict = new StressSummary.Verdict(v, "00c0ffee12345678", Path.of("race.bin"), true,
        65_432, 1_234_567, "reproduced exactly", false, null, Path.of("race.bin-trace.json"));
    return new StressSummary(run, t, load, lat, Map.of("flow.fault", 12_345L), Map.of("seamcall.aug", 99L), checks,
        mem, "tdx-module 40.0%", verdict);
  }

  private static long figure(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no " + regex + " in\n" + text);
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void theTextAndTheJsonAgreeOnTheFigures() {
    StressSummary s = summary();
    StringWriter sw = new StringWriter();
    StressSummaryText.print(new PrintWriter(sw, true), s);
    String text = sw.toString();
    Map<String, Object> json = s.json();
    assertEquals(json.get("messages"), figure(text, "ran [\\d.]+ s \\(violation\\): ([\\d,]+) messages"));
    assertEquals(json.get("faults"), figure(text, "faults: ([\\d,]+) \\("));
    assertEquals(json.get("accepts"), figure(text, "ACCEPTs: ([\\d,]+) \\("));
    assertEquals(json.get("splits"), figure(text, "splits: ([\\d,]+);"));
    assertEquals(json.get("acceptsBusy"), figure(text, "accepted, ([\\d,]+) BUSY"));
    assertEquals(json.get("acceptsBusyHostPriority"), figure(text, "BUSY \\(([\\d,]+) BUSY_HOST_PRIORITY\\)"));
    assertEquals(json.get("busy"), figure(text, "BUSY in all: ([\\d,]+)"));
    assertEquals(json.get("zaps"), figure(text, "\\([\\d,]+, ([\\d,]+), [\\d,]+, [\\d,]+\\)"));
    assertEquals(json.get("conversions"), figure(text, "\\([\\d,]+, [\\d,]+, [\\d,]+, ([\\d,]+)\\)"));
    assertEquals(((Integer) json.get("generations")).longValue(), figure(text, "load: (\\d+) generations"));
    assertEquals(json.get("barriers"), figure(text, "; ([\\d,]+) consistent cuts"));
    assertEquals(((Map<?, ?>) json.get("faultLatencyMicros")).get("count"), figure(text, "\\(([\\d,]+) faults\\)"));
    assertEquals((long) ((List<?>) json.get("windows")).size(), text.lines().filter(l -> l.matches(" +[\\d.]+: .*")).count());
    assertTrue(text.contains("final-state hash: " + json.get("finalStateHash")), text);
    assertTrue(text.contains("record: " + json.get("record") + " ("), text);
    assertTrue(text.contains("trace: " + json.get("trace") + " "), text);
    assertTrue(text.contains("verdict: VIOLATION tdx.example") && "violation".equals(json.get("verdict")), text);
    assertTrue(text.contains(String.format(Locale.ROOT, "TDs: %,d of %,d", json.get("tdsRunnable"), json.get("tds"))),
        text);
  }
}
