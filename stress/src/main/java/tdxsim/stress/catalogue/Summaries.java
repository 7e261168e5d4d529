package tdxsim.stress.catalogue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --json} summaries of {@code catalogue} and {@code compare}: plain maps in a fixed key order, so that a
 * script (or the README's generator) reads the same figures the tables show, without parsing the tables.
 */
public final class Summaries {
  private Summaries() {}

  /** {@code catalogue --json}. */
  public static Map<String, Object> catalogue(CatalogueResult r) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("command", "catalogue");
    s.put("holds", r.holds());
    s.put("seeds", r.settings().seeds().size());
    s.put("maxSchedules", r.settings().maxSchedules());
    List<Object> targets = new ArrayList<>();
    for (TargetReport t : r.targets()) targets.add(targetJson(t));
    s.put("targets", targets);
    List<Object> baselines = new ArrayList<>();
    for (BaselineReport b : r.baselines()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("races", b.races());
      m.put("scenario", b.scenario());
      m.put("strategy", b.strategy());
      m.put("seed", b.seed());
      m.put("schedules", b.schedules());
      m.put("clean", b.clean());
      m.put("timedOut", b.result().timedOut());
      m.put("invariant", b.violation().map(v -> v.invariant()).orElse(null));
      baselines.add(m);
    }
    s.put("baselines", baselines);
    return s;
  }

  private static Map<String, Object> targetJson(TargetReport t) {
    Target target = t.target();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", target.id());
    m.put("kind", target.kind().name().toLowerCase(Locale.ROOT));
    m.put("title", target.title());
    m.put("scenario", target.scenario());
    m.put("options", target.options());
    m.put("expected", target.invariants());
    m.put("holds", t.holds());
    Map<String, Object> per = new LinkedHashMap<>();
    for (StrategyStats st : t.strategies()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("seeds", st.seeds());
      x.put("found", st.found());
      x.put("medianSchedules", st.medianSchedules().isPresent() ? st.medianSchedules().getAsDouble() : null);
      x.put("medianSeconds", st.medianSeconds().isPresent() ? st.medianSeconds().getAsDouble() : null);
      x.put("invariants", st.invariants());
      per.put(st.strategy().cliName(), x);
    }
    m.put("strategies", per);
    m.put("originalSteps", t.shrunk().map(x -> (Object) x.originalSteps()).orElse(null));
    m.put("minimizedSteps", t.shrunk().map(x -> (Object) x.minimizedSteps()).orElse(null));
    return m;
  }

  /** {@code compare --json}. */
  public static Map<String, Object> compare(List<ComparisonReport> reports) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("command", "compare");
    List<Object> list = new ArrayList<>();
    for (ComparisonReport r : reports) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", r.comparison().id());
      c.put("scenario", r.comparison().scenario());
      c.put("strategy", r.strategy().cliName());
      c.put("seed", r.seed());
      c.put("schedules", r.schedules());
      List<Object> variants = new ArrayList<>();
      for (VariantOutcome v : r.variants()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.variant().name());
        m.put("options", v.variant().options());
        m.put("verdict", v.sweep().clean() ? "ok" : "violation");
        m.put("invariant", v.firstViolation().map(x -> x.invariant()).orElse(null));
        m.put("schedulesToFirstViolation", v.sweep().schedulesToFirstViolation().orElse(null));
        m.put("violatingSchedules", v.sweep().violating());
        m.put("schedulesRun", v.sweep().schedules());
        Map<String, Double> counters = new LinkedHashMap<>();
        for (String row : r.comparison().rowsOrDefault()) counters.put(row, v.sweep().perSchedule(row));
        m.put("countersPerSchedule", counters);
        variants.add(m);
      }
      c.put("variants", variants);
      list.add(c);
    }
    s.put("comparisons", list);
    return s;
  }
}
