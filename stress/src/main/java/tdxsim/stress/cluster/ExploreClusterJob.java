package tdxsim.stress.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.workers.ExploreRange;
import tdxsim.stress.workers.ExploreSpec;

/**
 * {@code explore} on a cluster: the spec is {@link ExploreSpec} (the scenario's whole text, options, strategy,
 * seed, schedule count, step budget, the coordinator's tool version), a range's outcome is {@link ExploreRange}
 * with its traces as trace JSON. A worker rebuilds the scenario from the text, so every node runs the same worlds.
 */
public final class ExploreClusterJob extends JsonClusterJob<ExploreRange> {
  public static final String KIND = "explore";

  private final ExploreSpec spec;

  /** The coordinator's: the scenario is already loaded. */
  public ExploreClusterJob(ExploreSpec spec, Scenario loaded) {
    super(KIND, spec.job(loaded));
    this.spec = spec;
  }

  private ExploreClusterJob(ExploreSpec spec) {
    super(KIND, spec.job());
    this.spec = spec;
  }

  static ExploreClusterJob fromSpec(String text) {
    return parse(text, "explore spec from the coordinator", n -> {
      Trace.Scenario scenario = new Trace.Scenario(n.get("scenario").asText(), n.get("source").asText());
      List<String> options = new ArrayList<>();
      n.get("options").forEach(o -> options.add(o.asText()));
      return new ExploreClusterJob(new ExploreSpec(scenario, options, n.get("strategy").asText(),
          n.get("seed").asLong(), n.get("schedules").asLong(), n.get("maxSteps").asLong(),
          n.get("toolVersion").asText()));
    });
  }

  @Override
  public String spec() {
    ObjectNode n = JSON.createObjectNode();
    n.put("scenario", spec.scenario().name());
    n.put("source", spec.scenario().source());
    spec.options().forEach(n.putArray("options")::add);
    n.put("strategy", spec.strategy());
    n.put("seed", spec.seed());
    n.put("schedules", spec.schedules());
    n.put("maxSteps", spec.maxSteps());
    n.put("toolVersion", spec.toolVersion());
    return n.toString();
  }

  @Override
  public long work(ExploreRange r) {
    return r.deliveries();
  }

  @Override
  void write(ObjectNode n, ExploreRange r) {
    n.put("from", r.from());
    n.put("ran", r.ran());
    n.put("deliveries", r.deliveries());
    ObjectNode counters = n.putObject("counters");
    r.counters().forEach(counters::put);
    n.put("violationIndex", r.violationIndex());
    n.put("violation", traceText(r.violation()));
    n.put("last", traceText(r.last()));
    n.put("chains", r.chains());
    n.put("choiceSteps", r.choiceSteps());
  }

  @Override
  ExploreRange read(JsonNode n) {
    Map<String, Long> counters = new LinkedHashMap<>();
    n.get("counters").fields().forEachRemaining(e -> counters.put(e.getKey(), e.getValue().asLong()));
    return new ExploreRange(n.get("from").asLong(), n.get("ran").asLong(), n.get("deliveries").asLong(), counters,
        n.get("violationIndex").asLong(), trace(n.get("violation")), trace(n.get("last")),
        n.get("chains").asInt(), n.get("choiceSteps").asLong());
  }
}
