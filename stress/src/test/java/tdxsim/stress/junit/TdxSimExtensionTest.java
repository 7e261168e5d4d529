package tdxsim.stress.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.cli.CliRun;
import tdxsim.stress.ext.AcmePlugin;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;

/**
 * {@link TdxSimTest} as a user meets it: test classes (the nested fixtures, which surefire does not run by
 * themselves) run through the JUnit Platform, and their verdicts, messages, report entries and traces checked;
 * printed replay commands are run as printed (in-process, {@code ./tdxsim} being the command line).
 */
class TdxSimExtensionTest {
  static final Pattern REPLAY = Pattern.compile("replay: \\./tdxsim((?: --plugin \\S+)*) replay (\\S+)");

  /** A clean scenario. */
  static class Clean {
    @TdxSimTest(scenario = "race-r5", schedules = 40)
    void punchHoleAndFault(TdxExploration x) {}
  }

  /** A protocol mutation, which the built-in invariants catch. */
  static class Mutated {
    @TdxSimTest(scenario = "race-r5", options = "mut-no-retry-check", schedules = 40)
    void noRetryCheck() {}
  }

  /** A user's invariant, from a plugin put in effect by the test. */
  static class UserInvariant {
    @TdxSimTest(scenario = "race-r5", schedules = 40, minimize = false)
    void no2m(TdxExploration x) {
      x.plugin(new AcmePlugin());
    }
  }

  /** A user's design option on mmu_lock, expected to be caught. */
  static class UserOption {
    @TdxSimTest(scenario = "race-r5", plugins = AcmePlugin.class, schedules = 200,
        options = "acme-writer-beside-readers", expect = "mmu.lock-exclusion")
    void writerBesideReaders(TdxExploration x) {
      // the plugin's own invariant would fire first on any 2M mapping; this test is about the option
      x.option("v1-prefetch-4k");
    }
  }

  @Test
  void aCleanScenarioPassesAndReportsWhatItCovered() {
    Results r = Results.of(Clean.class);
    assertEquals(List.of(TestExecutionResult.Status.SUCCESSFUL), r.statuses, r.toString());
    String entry = r.entries.get(0);
    assertTrue(entry.startsWith("race-r5, seed 1: no invariant broken; 40 schedules, "), entry);
    assertTrue(entry.matches(".*strategy pct \\(d=3\\): P\\(miss a depth-3 bug\\) <= [0-9.e-]+ \\(n=\\d+ chains, "
        + "k=\\d+ steps\\)"), entry);
    // the same figures, one report entry each (what a CI dashboard reads)
    assertEquals("40", r.pairs.get("tdxsim.schedules"), r.pairs.toString());
    assertEquals("pct", r.pairs.get("tdxsim.strategy"));
    assertEquals("3", r.pairs.get("tdxsim.pctDepth"));
    int n = Integer.parseInt(r.pairs.get("tdxsim.chains"));
    long k = Long.parseLong(r.pairs.get("tdxsim.choiceSteps"));
    assertTrue(n > 1 && k > 1, r.pairs.toString());
    double bound = Math.pow(1 - 1.0 / (n * (double) k * k), 40);
    assertEquals(bound, Double.parseDouble(r.pairs.get("tdxsim.missBound")), 1e-12, r.pairs.toString());
    assertTrue(entry.contains(String.format(java.util.Locale.ROOT, "<= %.4g (n=%d chains, k=%d steps)", bound, n, k)),
        entry);
  }

  @Test
  void nightlyRunsTakeFreshSeedsAndAScheduleCountFromSystemProperties() {
    System.setProperty(TdxRun.SEEDS, "fresh");
    System.setProperty(TdxRun.SCHEDULES, "7");
    try {
      Results r = Results.of(Clean.class);
      String entry = r.entries.get(0);
      assertTrue(entry.matches("race-r5, seed \\d+: no invariant broken; 7 schedules, .*"), entry);
      assertTrue(!entry.startsWith("race-r5, seed 1:"), entry);
    } finally {
      System.clearProperty(TdxRun.SEEDS);
      System.clearProperty(TdxRun.SCHEDULES);
    }
  }

  @Test
  void aMutationFailsWithTheRaceTheTraceAndAReplayThatWorksAsPrinted() throws Exception {
    Results r = Results.of(Mutated.class);
    assertEquals(List.of(TestExecutionResult.Status.FAILED), r.statuses, r.toString());
    String msg = r.messages.get(0);
    assertTrue(msg.startsWith("tdxsim: "), msg);
    assertTrue(msg.contains("!! violation after step "), msg);
    Matcher m = REPLAY.matcher(msg);
    assertTrue(m.find(), msg);
    Path trace = Path.of(m.group(2));
    assertEquals(Path.of("target", "tdxsim-failures", "Mutated.noRetryCheck.json").toAbsolutePath(), trace);
    assertTrue(Files.isRegularFile(trace.resolveSibling("Mutated.noRetryCheck.html")));
    Trace t = TraceFile.read(trace, ModelVersion.VERSION);
    assertEquals("race-r5", t.scenario().name());
    assertEquals(List.of("mut-no-retry-check"), t.options());
    assertTrue(msg.startsWith("tdxsim: " + t.violation().oneLine()), msg);

    CliRun replay = CliRun.of("replay", trace.toString(), "--json");
    assertEquals(0, replay.exit(), replay.out() + replay.err());
    assertTrue(replay.lastLine().contains("\"finalStateHash\":\"0x" + Long.toHexString(t.finalStateHash()) + "\""),
        replay.out());
    CliRun report = CliRun.of("report", trace.toString());
    assertEquals(0, report.exit(), report.err());
  }

  @Test
  void aUserInvariantFailsTheTestAndItsTraceNamesThePlugin() {
    Results r = Results.of(UserInvariant.class);
    assertEquals(List.of(TestExecutionResult.Status.FAILED), r.statuses, r.toString());
    String msg = r.messages.get(0);
    assertTrue(msg.startsWith("tdxsim: " + AcmePlugin.INVARIANT + ": S-EPT entry 2M 0x"), msg);
    Matcher m = REPLAY.matcher(msg);
    assertTrue(m.find(), msg);
    assertTrue(m.group(1).startsWith(" --plugin "), msg);
    assertTrue(msg.contains("(plugin acme is not named in META-INF/services/tdxsim.stress.ext.TdxSimPlugin"), msg);
    Trace t = TraceFile.read(Path.of(m.group(2)), ModelVersion.VERSION);
    assertEquals(List.of("plugin:acme@1.0"), t.options());
    // this JVM's command line has no acme on its class path: refused in one line that names it
    CliRun replay = CliRun.of("replay", m.group(2));
    assertEquals(2, replay.exit(), replay.out());
    assertEquals(1, replay.err().strip().lines().count(), replay.err());
    assertTrue(replay.err().contains("needs plugin acme 1.0, which is not on the class path"), replay.err());
  }

  @Test
  void aUserOptionOnMmuLockIsCaught() {
    Results r = Results.of(UserOption.class);
    assertEquals(List.of(TestExecutionResult.Status.SUCCESSFUL), r.statuses, r.toString());
    assertTrue(r.entries.get(0).contains("caught as expected in schedule "), r.entries.toString());
    assertTrue(r.entries.get(0).contains("mmu.lock-exclusion: "), r.entries.toString());
  }

  /** What the JUnit Platform reported for one test class's test invocations. */
  record Results(List<TestExecutionResult.Status> statuses, List<String> messages, List<String> entries,
      Map<String, String> pairs) {
    static Results of(Class<?> testClass) {
      Results r = new Results(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
      LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass))
          .build(), new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
              if (!id.isTest()) return;
              r.statuses.add(result.getStatus());
              result.getThrowable().ifPresent(e -> r.messages.add(String.valueOf(e.getMessage())));
            }

            @Override
            public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
              entry.getKeyValuePairs().forEach((k, v) -> {
                if (k.equals("tdxsim")) r.entries.add(v);
                r.pairs.put(k, v);
              });
            }
          });
      return r;
    }
  }
}
