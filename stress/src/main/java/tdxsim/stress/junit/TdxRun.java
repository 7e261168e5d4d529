package tdxsim.stress.junit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.cli.Versions;
import tdxsim.stress.ext.Extensions;
import tdxsim.stress.ext.TdxSimPlugin;
import tdxsim.stress.minimize.MinimizeBudget;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.report.RaceViews;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.RunCoverage;

/**
 * Runs one {@link TdxExploration} for a test: the scenario with its plugins and options, the seed and schedule count
 * the system properties may override, the failure with its trace, drawing and replay command, or the clean run's
 * coverage.
 */
final class TdxRun {
  static final String SEEDS = "tdxsim.seeds";
  static final String SEED = "tdxsim.seed";
  static final String SCHEDULES = "tdxsim.schedules";

  private TdxRun() {}

  /**
   * What a passing run reports.
   *
   * @param summary one line
   * @param coverage what a clean run covered (its figures become report entries {@code tdxsim.*}), else null
   */
  record Passed(String summary, RunCoverage coverage) {
    /** The report entries: {@code tdxsim} the summary, {@code tdxsim.<figure>} each coverage figure. */
    Map<String, String> entries() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("tdxsim", summary);
      if (coverage != null) coverage.figures().forEach((k, v) -> m.put("tdxsim." + k, String.valueOf(v)));
      return m;
    }
  }

  /**
   * @param name the trace's name ({@code <TestClass>.<method>}, with the invocation for a catalogue entry)
   * @throws AssertionError if the verdict is not the one expected
   */
  static Passed run(TdxExploration x, String name) {
    long seed = seed(x.seed);
    long schedules = Long.getLong(SCHEDULES, x.schedules);
    Scenario scenario = scenario(x);
    TraceInfo info = new TraceInfo(Versions.TOOL, ModelVersion.VERSION, Worlds.traceScenario(scenario),
        scenario.extensions().traceOptions(x.options));
    ScheduleExploration e = Schedules.explore(new TdxWorldFactory(scenario)).strategy(x.strategy).pctDepth(x.depth)
        .schedules(schedules).seed(seed).budget(Budget.steps(x.maxSteps)).traceDir(x.failures).traceName(name)
        .traceInfo(info);
    if (x.minimize) e.minimize(MinimizeBudget.DEFAULT);
    ExplorationOutcome o = e.run();
    String facts = x + ", seed " + seed;
    if (o.ok()) {
      if (!x.expected.isEmpty()) {
        throw new AssertionError("tdxsim: expected a violation of " + String.join(" or ", x.expected) + ", but "
            + facts + " broke no invariant: " + o.coverage().summary());
      }
      return new Passed(facts + ": no invariant broken; " + o.coverage().summary(), o.coverage());
    }
    Violation v = o.trace().violation();
    if (x.expected.contains(v.invariant())) {
      return new Passed(facts + ": caught as expected in schedule " + (o.trace().scheduleIndex() + 1) + ": "
          + v.oneLine(), null);
    }
    String headline = x.expected.isEmpty() ? "tdxsim: " + v.oneLine()
        : "tdxsim: expected a violation of " + String.join(" or ", x.expected) + ", but got " + v.oneLine();
    Path html = Path.of(o.traceFile().toString().replaceFirst("\\.json$", ".html"));
    String race = RaceViews.forFailure(scenario, o.trace(), o.traceFile(), html);
    throw new AssertionError(FailureMessage.of(headline, o, launcher(x.plugins, scenario),
        notInstalled(x.plugins) + race));
  }

  private static long seed(long annotated) {
    String s = System.getProperty(SEED);
    if (s != null) return Long.decode(s.trim());
    if ("fresh".equals(System.getProperty(SEEDS))) return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    return annotated;
  }

  private static Scenario scenario(TdxExploration x) {
    try {
      Scenario s = ScenarioLoader.load(x.scenario);
      for (TdxSimPlugin p : x.plugins) s = s.withPlugin(p);
      return s.withOptions(x.options);
    } catch (ScenarioException | IllegalArgumentException e) {
      throw new IllegalArgumentException("tdxsim: " + e.getMessage(), e);
    }
  }

  /** A note for plugins put in effect by the test that the command line will not find ({@code ServiceLoader}). */
  private static String notInstalled(List<TdxSimPlugin> adHoc) {
    List<String> missing = new ArrayList<>();
    for (TdxSimPlugin p : adHoc) {
      if (Extensions.installed().plugins().stream().noneMatch(q -> q.name().equals(p.name()))) missing.add(p.name());
    }
    if (missing.isEmpty()) return "";
    return "(plugin " + String.join(", ", missing) + " is not named in META-INF/services/"
        + TdxSimPlugin.class.getName() + ": the command line refuses the trace until it is)\n";
  }

  /** {@code ./tdxsim} with a {@code --plugin} for the class path entry of each plugin not in tdxsim itself. */
  static String launcher(List<TdxSimPlugin> adHoc, Scenario scenario) {
    Set<String> paths = new LinkedHashSet<>();
    List<TdxSimPlugin> all = new ArrayList<>(scenario.extensions().plugins());
    all.addAll(adHoc);
    for (TdxSimPlugin p : all) {
      var src = p.getClass().getProtectionDomain().getCodeSource();
      if (src == null || src.getLocation().equals(TdxRun.class.getProtectionDomain().getCodeSource().getLocation())) {
        continue;
      }
      try {
        paths.add(Path.of(src.getLocation().toURI()).toString());
      } catch (java.net.URISyntaxException | IllegalArgumentException e) {
        paths.add(src.getLocation().toString());
      }
    }
    StringBuilder sb = new StringBuilder("./tdxsim");
    for (String p : paths) sb.append(" --plugin ").append(p);
    return sb.toString();
  }
}
