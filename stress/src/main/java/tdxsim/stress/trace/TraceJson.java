package tdxsim.stress.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.schedule.Decision;

/**
 * The JSON form of a {@link Trace}, mapped by hand rather than by reflection so that every missing or mistyped
 * field is reported by its path ({@code decisions[3].sender}) and the format cannot drift with a rename.
 *
 * <p>Hashes and gfns are hex strings ({@code "0x1f"}): 64-bit values survive every JSON reader, and they read the
 * way the reports print them. Unknown fields are ignored, so later versions may add some.
 */
public final class TraceJson {
  static final int FORMAT = 1;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TraceJson() {}

  static ObjectNode toJson(Trace t) {
    assert t != null : "the JSON of no trace";
    assert t.budget().maxSteps() > 0 : "the JSON of no trace";
    ObjectNode o = F.objectNode();
    o.put("format", FORMAT);
    o.put("toolVersion", t.toolVersion());
    o.put("modelVersion", t.modelVersion());
    ObjectNode scenario = o.putObject("scenario");
    scenario.put("name", t.scenario().name());
    scenario.put("source", t.scenario().source());
    ArrayNode options = o.putArray("options");
    t.options().forEach(options::add);
    o.put("strategy", t.strategy());
    o.put("runSeed", t.runSeed());
    o.put("scheduleIndex", t.scheduleIndex());
    o.put("scheduleSeed", t.scheduleSeed());
    ObjectNode budget = o.putObject("budget");
    budget.put("maxSteps", t.budget().maxSteps());
    budget.put("maxVirtualTimeNanos", t.budget().maxVirtualNanos());
    ArrayNode decisions = o.putArray("decisions");
    for (Decision d : t.decisions()) {
      ObjectNode n = decisions.addObject();
      n.put("receiver", d.receiver());
      n.put("seq", d.seq());
      n.put("sender", d.sender());
      n.put("message", d.message());
    }
    ObjectNode verdict = o.putObject("verdict");
    assert decisions.size() == t.decisions().size() : decisions.size() + " of " + t.decisions().size() + " decisions";
    Violation v = t.violation();
    if (v == null) {
      verdict.put("status", "ok");
    } else {
      verdict.put("status", "violation");
      verdict.put("invariant", v.invariant());
      verdict.put("detail", v.detail());
      ArrayNode actors = verdict.putArray("actors");
      v.actors().forEach(actors::add);
      ArrayNode gfns = verdict.putArray("gfns");
      v.gfns().forEach(g -> gfns.add(hex(g)));
    }
    o.put("finalStateHash", hex(t.finalStateHash()));
    assert parseHex(hex(t.finalStateHash())).getAsLong() == t.finalStateHash() : "the hash does not read back";
    return o;
  }

  /** @throws TraceFormatException naming the first missing or mistyped field */
  static Trace fromJson(JsonNode root, String file) {
    assert root != null : "a trace from no JSON";
    assert file != null : "a trace from no JSON";
    Reader r = new Reader(file);
    JsonNode o = r.object(root, "");
    long format = r.longField(o, "", "format");
    if (format != FORMAT) throw r.fail("format " + format + " is not supported (expected " + FORMAT + ")");
    JsonNode scenario = r.object(r.field(o, "", "scenario"), "scenario");
    JsonNode budget = r.object(r.field(o, "", "budget"), "budget");
    long maxVirtual = r.longField(budget, "budget.", "maxVirtualTimeNanos");
    long maxSteps = r.longField(budget, "budget.", "maxSteps");
    if (maxSteps <= 0 || maxVirtual < 0) throw r.fail("budget is not positive");
    List<Decision> decisions = new ArrayList<>();
    JsonNode ds = r.array(r.field(o, "", "decisions"), "decisions");
    for (int i = 0; i < ds.size(); i++) {
      String p = "decisions[" + i + "].";
      JsonNode d = r.object(ds.get(i), "decisions[" + i + "]");
      decisions.add(
          new Decision(
              r.text(d, p, "receiver"), r.longField(d, p, "seq"), r.text(d, p, "sender"), r.text(d, p, "message")));
    }
    return new Trace(
        r.text(o, "", "toolVersion"),
        r.text(o, "", "modelVersion"),
        new Trace.Scenario(r.text(scenario, "scenario.", "name"), r.text(scenario, "scenario.", "source")),
        r.texts(o, "", "options"),
        r.text(o, "", "strategy"),
        r.longField(o, "", "runSeed"),
        r.longField(o, "", "scheduleIndex"),
        r.longField(o, "", "scheduleSeed"),
        new Budget(maxSteps, Duration.ofNanos(maxVirtual)),
        decisions,
        verdict(r, r.object(r.field(o, "", "verdict"), "verdict")),
        r.hexField(o, "", "finalStateHash"));
  }

  private static Violation verdict(Reader r, JsonNode v) {
    assert r != null : "a verdict of no object";
    assert v != null : "a verdict of no object";
    assert v.isObject() : "a verdict of no object";
    String status = r.text(v, "verdict.", "status");
    if (status.equals("ok")) return null;
    if (!status.equals("violation")) throw r.fail("verdict.status is '" + status + "' (expected ok or violation)");
    List<Long> gfns = new ArrayList<>();
    JsonNode gs = r.array(r.field(v, "verdict.", "gfns"), "verdict.gfns");
    for (int i = 0; i < gs.size(); i++) gfns.add(r.hex(gs.get(i), "verdict.gfns[" + i + "]"));
    return new Violation(
        r.text(v, "verdict.", "invariant"), r.text(v, "verdict.", "detail"), r.texts(v, "verdict.", "actors"), gfns);
  }

  /** {@code "0x1f"} as written by {@link #hex}: 1 to 16 hex digits after "0x"; empty for anything else. */
  public static OptionalLong parseHex(String s) {
    if (s == null || !s.startsWith("0x") || s.length() < 3 || s.length() > 18) return OptionalLong.empty();
    try {
      return OptionalLong.of(Long.parseUnsignedLong(s.substring(2), 16));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** {@link Violation#hex}: a trace spells numbers as the violations do. */
  public static String hex(long v) {
    return Violation.hex(v);
  }

  /** Typed field access that fails with the field's path. */
  private static final class Reader {
    private final String file;

    Reader(String file) {
      this.file = file;
      assert file != null : "a reader of no file";
    }

    TraceFormatException fail(String problem) {
      assert problem != null : "a trace failure without its problem";
      return new TraceFormatException("trace " + file + ": " + problem);
    }

    JsonNode field(JsonNode o, String prefix, String name) {
      assert o != null : "a field of no object";
      assert name != null : "a field of no object";
      JsonNode n = o.get(name);
      if (n == null || n.isNull()) throw fail("missing field '" + prefix + name + "'");
      return n;
    }

    JsonNode object(JsonNode n, String path) {
      assert n != null : "object of no node";
      assert path != null : "object of no node";
      if (!n.isObject()) throw fail((path.isEmpty() ? "top level" : "'" + path + "'") + " is not a JSON object");
      return n;
    }

    JsonNode array(JsonNode n, String path) {
      assert n != null : "array of no node";
      assert path != null : "array of no node";
      if (!n.isArray()) throw fail("'" + path + "' is not a JSON array");
      return n;
    }

    String text(JsonNode o, String prefix, String name) {
      assert o != null : "a text field of no object";
      assert o.isObject() : "a text field of no object";
      JsonNode n = field(o, prefix, name);
      if (!n.isTextual()) throw fail("field '" + prefix + name + "' is not a string");
      return n.textValue();
    }

    long longField(JsonNode o, String prefix, String name) {
      assert o != null : "a number field of no object";
      assert o.isObject() : "a number field of no object";
      JsonNode n = field(o, prefix, name);
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        throw fail("field '" + prefix + name + "' is not a 64-bit integer");
      }
      return n.longValue();
    }

    List<String> texts(JsonNode o, String prefix, String name) {
      assert prefix != null : "texts without their path";
      JsonNode a = array(field(o, prefix, name), prefix + name);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).isTextual()) throw fail("'" + prefix + name + "[" + i + "]' is not a string");
        out.add(a.get(i).textValue());
      }
      return out;
    }

    long hexField(JsonNode o, String prefix, String name) {
      assert name != null : "a hex field without its name";
      return hex(field(o, prefix, name), prefix + name);
    }

    long hex(JsonNode n, String path) {
      assert n != null : "hex of no node";
      assert path != null : "hex of no node";
      OptionalLong v = parseHex(n.isTextual() ? n.textValue() : "");
      if (v.isEmpty()) throw fail("'" + path + "' is not a hex string like \"0x1f\"");
      return v.getAsLong();
    }
  }
}
