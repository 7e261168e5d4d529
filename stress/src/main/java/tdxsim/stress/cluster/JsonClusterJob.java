package tdxsim.stress.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.workers.RangeJob;
import tdxsim.stress.workers.RangeOutcome;

/**
 * What every {@link ClusterJob} shares: its kind and its ranges, specs and outcomes as JSON objects, traces inside
 * them as trace JSON text; a text that does not read is refused in one line.
 */
abstract class JsonClusterJob<R extends RangeOutcome> implements ClusterJob<R> {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String kind;
  private final RangeJob<R> job;

  JsonClusterJob(String kind, RangeJob<R> job) {
    this.kind = kind;
    this.job = job;
  }

  /** The outcome's fields into {@code n}. */
  abstract void write(ObjectNode n, R outcome);

  /** The outcome from its fields (a missing one throws {@link NullPointerException}). */
  abstract R read(JsonNode n);

  @Override
  public final String kind() {
    return kind;
  }

  @Override
  public final RangeJob<R> job() {
    return job;
  }

  @Override
  public final String encode(R outcome) {
    ObjectNode n = JSON.createObjectNode();
    write(n, outcome);
    return n.toString();
  }

  @Override
  public final R decode(String text) {
    return parse(text, "a range's outcome from a worker", this::read);
  }

  /** {@code text} read by {@code reader}; {@code what} names it when it does not read. */
  static <T> T parse(String text, String what, java.util.function.Function<JsonNode, T> reader) {
    try {
      return reader.apply(JSON.readTree(text));
    } catch (JsonProcessingException | NullPointerException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  static String traceText(Trace t) {
    return t == null ? null : TraceFile.toJsonText(t);
  }

  /** A trace in a range's outcome, or null. */
  static Trace trace(JsonNode n) {
    return n == null || n.isNull() ? null : TraceFile.fromJsonText(n.asText(), "a worker");
  }
}
