package tdxsim.stress.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import tdxsim.stress.hunt.HuntJob;
import tdxsim.stress.hunt.HuntRange;
import tdxsim.stress.hunt.HuntSpec;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.StrategyKind;

/**
 * {@code hunt} on a cluster: the spec is the {@link HuntSpec} (options, strategy, run seed, schedules per world,
 * budget, skipped invariants, the coordinator's tool version); a worker draws world i from it exactly as one
 * process does ({@link HuntJob#scenario}), so no world's text travels out, only the violating one's back, inside its
 * trace. A range's outcome is the {@link HuntRange}; its work, for the progress line, is its schedules.
 */
public final class HuntClusterJob extends JsonClusterJob<HuntRange> {
  public static final String KIND = "hunt";

  private final HuntSpec spec;

  public HuntClusterJob(HuntSpec spec) {
    super(KIND, new HuntJob(spec));
    this.spec = spec;
  }

  static HuntClusterJob fromSpec(String text) {
    return parse(text, "hunt spec from the coordinator", n -> {
      List<String> options = new ArrayList<>();
      n.get("options").forEach(o -> options.add(o.asText()));
      TreeSet<String> skip = new TreeSet<>();
      n.get("skip").forEach(s -> skip.add(s.asText()));
      Budget budget = new Budget(n.get("maxSteps").asLong(), Duration.ofNanos(n.get("maxVirtualNanos").asLong()));
      return new HuntClusterJob(new HuntSpec(options, StrategyKind.parse(n.get("strategy").asText()),
          n.get("seed").asLong(), n.get("schedulesPerWorld").asInt(), budget, n.get("toolVersion").asText(), skip));
    });
  }

  @Override
  public String spec() {
    ObjectNode n = JSON.createObjectNode();
    spec.options().forEach(n.putArray("options")::add);
    n.put("strategy", spec.strategy().cliName());
    n.put("seed", spec.seed());
    n.put("schedulesPerWorld", spec.schedulesPerWorld());
    n.put("maxSteps", spec.budget().maxSteps());
    n.put("maxVirtualNanos", spec.budget().maxVirtualNanos());
    n.put("toolVersion", spec.toolVersion());
    new TreeSet<>(spec.skip()).forEach(n.putArray("skip")::add);
    return n.toString();
  }

  @Override
  public long work(HuntRange r) {
    return r.schedules();
  }

  @Override
  void write(ObjectNode n, HuntRange r) {
    n.put("from", r.from());
    n.put("ran", r.ran());
    n.put("schedules", r.schedules());
    n.put("deliveries", r.deliveries());
    n.put("skipped", r.skipped());
    n.put("violationIndex", r.violationIndex());
    n.put("violation", traceText(r.violation()));
  }

  @Override
  HuntRange read(JsonNode n) {
    return new HuntRange(n.get("from").asLong(), n.get("ran").asLong(), n.get("schedules").asLong(),
        n.get("deliveries").asLong(), n.get("skipped").asLong(), n.get("violationIndex").asLong(),
        trace(n.get("violation")));
  }
}
