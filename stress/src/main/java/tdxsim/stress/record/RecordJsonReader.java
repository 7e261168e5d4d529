package tdxsim.stress.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceJson;

/**
 * Reads the JSON record ({@link RecordFile} chooses the format): a streaming reader that names the first missing
 * or mistyped field.
 */
final class RecordJsonReader {
  private static final JsonFactory JSON = new JsonFactory();

  private final JsonParser p;
  private final String file;

  private RecordJsonReader(JsonParser p, String file) {
    this.p = p;
    this.file = file;
    assert p != null : "a reader of no parser";
    assert file != null : "a reader of no parser";
  }

  /** Whether {@code file} is a JSON record (rather than a trace or anything else); false if unreadable. */
  static boolean isRecord(Path file) {
    assert file != null : "isRecord(null)";
    try (JsonParser p = JSON.createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      for (int i = 0; i < 4 && p.nextToken() == JsonToken.FIELD_NAME; i++) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("kind")) return v == JsonToken.VALUE_STRING && RecordFile.KIND.equals(p.getText());
        if (v.isStructStart()) return false;
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Reads a JSON record of any model version. */
  static Record read(Path file) {
    assert file != null : "read(null)";
    try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
      return new RecordJsonReader(p, file.toString()).record();
    } catch (NoSuchFileException e) {
      throw new RecordFormatException("record " + file + ": no such file", e);
    } catch (JsonParseException e) {
      throw new RecordFormatException("record " + file + ": malformed JSON at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new RecordFormatException("record " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private RecordFormatException fail(String problem) {
    assert problem != null : "a record failure without its problem";
    return new RecordFormatException("record " + file + ": " + problem);
  }

  private Record record() throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) throw fail("top level is not a JSON object");
    String kind = null;
    Long format = null;
    String tool = null;
    String model = null;
    Trace.Scenario scenario = null;
    List<String> options = null;
    Long vcpus = null;
    long worldSeed = 0;
    long threads = 0;
    long elapsed = 0;
    String stoppedBy = "";
    Violation violation = null;
    boolean verdictSeen = false;
    Long hash = null;
    List<String> senders = null;
    List<ReceiveOrder> receives = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "kind" -> kind = text(f);
        case "format" -> format = number(f);
        case "toolVersion" -> tool = text(f);
        case "modelVersion" -> model = text(f);
        case "scenario" -> scenario = scenario();
        case "options" -> options = texts(f);
        case "vcpus" -> vcpus = number(f);
        case "worldSeed" -> worldSeed = number(f);
        case "threads" -> threads = number(f);
        case "elapsedNanos" -> elapsed = number(f);
        case "stoppedBy" -> stoppedBy = text(f);
        case "verdict" -> {
          violation = verdict();
          verdictSeen = true;
        }
        case "finalStateHash" -> hash = hexValue(f);
        case "senders" -> senders = texts(f);
        case "receives" -> receives = receives(senders);
        default -> p.skipChildren();
      }
    }
    if (!RecordFile.KIND.equals(kind)) throw fail("not a record (no \"kind\": \"" + RecordFile.KIND + "\")");
    if (format == null) throw fail("missing field 'format'");
    if (format != RecordJsonWriter.FORMAT) throw fail("format " + format + " is not supported (expected " + RecordJsonWriter.FORMAT + ")");
    require(tool, "toolVersion");
    require(model, "modelVersion");
    require(scenario, "scenario");
    require(options, "options");
    require(vcpus, "vcpus");
    require(hash, "finalStateHash");
    require(senders, "senders");
    require(receives, "receives");
    if (!verdictSeen) throw fail("missing field 'verdict'");
    return new Record(tool, model, scenario, options, (int) (long) vcpus, worldSeed, (int) threads, elapsed,
        stoppedBy, new ReceiveOrders(senders, receives), violation, hash);
  }

  private void require(Object v, String field) {
    assert field != null : "require of no field";
    assert !field.isEmpty() : "require of no field";
    if (v == null) throw fail("missing field '" + field + "'");
  }

  private String text(String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) throw fail("field '" + field + "' is not a string");
    return p.getText();
  }

  private long number(String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw fail("field '" + field + "' is not an integer");
    try {
      return p.getLongValue();
    } catch (IOException e) {
      throw fail("field '" + field + "' is not a 64-bit integer");
    }
  }

  private long hexValue(String field) throws IOException {
    OptionalLong v = TraceJson.parseHex(p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : "");
    if (v.isEmpty()) throw fail("'" + field + "' is not a hex string like \"0x1f\"");
    return v.getAsLong();
  }

  private List<String> texts(String field) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) throw fail("field '" + field + "' is not a JSON array");
    List<String> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) out.add(text(field + "[" + out.size() + "]"));
    assert p.currentToken() == JsonToken.END_ARRAY : "texts of '" + field + "' ended off their array";
    return out;
  }

  private Trace.Scenario scenario() throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) throw fail("'scenario' is not a JSON object");
    String name = null;
    String source = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      if (f.equals("name")) name = text("scenario.name");
      else if (f.equals("source")) source = text("scenario.source");
      else p.skipChildren();
    }
    require(name, "scenario.name");
    require(source, "scenario.source");
    return new Trace.Scenario(name, source);
  }

  private Violation verdict() throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) throw fail("'verdict' is not a JSON object");
    String status = null;
    String invariant = null;
    String detail = null;
    List<String> actors = List.of();
    List<Long> gfns = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "status" -> status = text("verdict.status");
        case "invariant" -> invariant = text("verdict.invariant");
        case "detail" -> detail = text("verdict.detail");
        case "actors" -> actors = texts("verdict.actors");
        case "gfns" -> {
          if (p.currentToken() != JsonToken.START_ARRAY) throw fail("'verdict.gfns' is not a JSON array");
          while (p.nextToken() != JsonToken.END_ARRAY) gfns.add(hexValue("verdict.gfns[" + gfns.size() + "]"));
        }
        default -> p.skipChildren();
      }
    }
    require(status, "verdict.status");
    if (status.equals("ok")) return null;
    if (!status.equals("violation")) throw fail("verdict.status is '" + status + "' (expected ok or violation)");
    require(invariant, "verdict.invariant");
    require(detail, "verdict.detail");
    return new Violation(invariant, detail, actors, gfns);
  }

  private List<ReceiveOrder> receives(List<String> senders) throws IOException {
    if (senders == null) throw fail("'senders' must come before 'receives'");
    if (p.currentToken() != JsonToken.START_ARRAY) throw fail("field 'receives' is not a JSON array");
    List<ReceiveOrder> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = "receives[" + out.size() + "]";
      if (p.currentToken() != JsonToken.START_OBJECT) throw fail("'" + at + "' is not a JSON object");
      String actor = null;
      long count = -1;
      long[] ids = null;
      long[] times = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        switch (f) {
          case "actor" -> actor = text(at + ".actor");
          case "count" -> count = number(at + ".count");
          case "order" -> {
            if (count < 0 || count > Integer.MAX_VALUE) throw fail("'" + at + ".count' must precede 'order'");
            ids = new long[(int) count];
            times = new long[(int) count];
            if (p.currentToken() != JsonToken.START_ARRAY) throw fail("'" + at + ".order' is not a JSON array");
            long t = 0;
            for (int i = 0; i < count; i++) {
              String e = at + ".order[" + (3 * i) + "]";
              int sender = (int) element(e, senders.size() - 1);
              long seq = element(e, ReceiveOrder.SEQ_MASK);
              long dt = element(e, Long.MAX_VALUE);
              t += dt;
              ids[i] = ReceiveOrder.pack(sender, seq);
              times[i] = t;
            }
            if (p.nextToken() != JsonToken.END_ARRAY) throw fail("'" + at + ".order' has more than 3 x count numbers");
          }
          default -> p.skipChildren();
        }
      }
      require(actor, at + ".actor");
      require(ids, at + ".order");
      out.add(new ReceiveOrder(actor, ids, times));
      assert ids.length == times.length : at + ": " + ids.length + " of " + count;
      assert ids.length == count : at + ": " + ids.length + " of " + count;
    }
    return out;
  }

  private long element(String at, long max) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_ARRAY) throw fail("'" + at + "': the order is shorter than 3 x count numbers");
    if (t != JsonToken.VALUE_NUMBER_INT) throw fail("'" + at + "' is not an integer");
    long v = p.getLongValue();
    assert t == JsonToken.VALUE_NUMBER_INT : at + " read as " + t;
    assert max >= 0 : at + " read as " + t;
    if (v < 0 || v > max) throw fail("'" + at + "' is out of range: " + v);
    return v;
  }
}
