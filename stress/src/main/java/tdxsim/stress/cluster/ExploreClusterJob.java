package tdxsim.stress.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.workers.ExploreJob;
import tdxsim.stress.workers.ExploreRange;
import tdxsim.stress.workers.ExploreSpec;
import tdxsim.stress.workers.RangeJob;

/**
 * {@code explore} on a cluster: the spec is {@link ExploreSpec} (the scenario's whole text, options, strategy,
 * seed, schedule count, step budget, the coordinator's tool version), a range's outcome is {@link ExploreRange}
 * with its traces as trace JSON. A worker rebuilds the scenario from the text, so every node runs the same worlds.
 */
public final class ExploreClusterJob implements ClusterJob<ExploreRange> {
  public static final String KIND = "explore";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExploreSpec spec;
  private final ExploreJob job;

  /** The coordinator's: the scenario is already loaded. */
  public ExploreClusterJob(ExploreSpec spec, Scenario loaded) {
    this.spec = spec;
    this.job = spec.job(loaded);
  }

  private ExploreClusterJob(ExploreSpec spec) {
    this.spec = spec;
    this.job = spec.job();
  }

  static ExploreClusterJob fromSpec(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      Trace.Scenario scenario = new Trace.Scenario(n.get("scenario").asText(), n.get("source").asText());
      java.util.List<String> options = new java.util.ArrayList<>();
      n.get("options").forEach(o -> options.add(o.asText()));
      return new ExploreClusterJob(new ExploreSpec(scenario, options, n.get("strategy").asText(),
          n.get("seed").asLong(), n.get("schedules").asLong(), n.get("maxSteps").asLong(),
          n.get("toolVersion").asText()));
    } catch (JsonProcessingException | NullPointerException e) {
      throw new IllegalArgumentException("explore spec from the coordinator: " + e.getMessage(), e);
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String spec() {
    ObjectNode n = JSON.createObjectNode();
    n.put("scenario", spec.scenario().name());
    n.put("source", spec.scenario().source());
    com.fasterxml.jackson.databind.node.ArrayNode options = n.putArray("options");
    spec.options().forEach(options::add);
    n.put("strategy", spec.strategy());
    n.put("seed", spec.seed());
    n.put("schedules", spec.schedules());
    n.put("maxSteps", spec.maxSteps());
    n.put("toolVersion", spec.toolVersion());
    return n.toString();
  }

  @Override
  public RangeJob<ExploreRange> job() {
    return job;
  }

  @Override
  public long work(ExploreRange r) {
    return r.deliveries();
  }

  @Override
  public String encode(ExploreRange r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("from", r.from());
    n.put("ran", r.ran());
    n.put("deliveries", r.deliveries());
    ObjectNode counters = n.putObject("counters");
    r.counters().forEach(counters::put);
    n.put("violationIndex", r.violationIndex());
    n.put("violation", r.violation() == null ? null : TraceFile.toJsonText(r.violation()));
    n.put("last", r.last() == null ? null : TraceFile.toJsonText(r.last()));
    n.put("chains", r.chains());
    n.put("choiceSteps", r.choiceSteps());
    return n.toString();
  }

  @Override
  public ExploreRange decode(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      Map<String, Long> counters = new LinkedHashMap<>();
      n.get("counters").fields().forEachRemaining(e -> counters.put(e.getKey(), e.getValue().asLong()));
      return new ExploreRange(n.get("from").asLong(), n.get("ran").asLong(), n.get("deliveries").asLong(), counters,
          n.get("violationIndex").asLong(), trace(n.get("violation")), trace(n.get("last")),
          n.get("chains").asInt(), n.get("choiceSteps").asLong());
    } catch (JsonProcessingException | NullPointerException e) {
      throw new IllegalArgumentException("a range's outcome from a worker: " + e.getMessage(), e);
    }
  }

  private static Trace trace(JsonNode n) {
    return n == null || n.isNull() ? null : TraceFile.fromJsonText(n.asText(), "a worker");
  }
}
