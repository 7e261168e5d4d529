package tdxsim.stress.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.io.AtomicFiles;
import tdxsim.stress.trace.TraceJson;

/**
 * Writes the JSON record ({@link RecordFile} chooses the format by the file name): streamed (a record of a long
 * run holds millions of entries), through {@link AtomicFiles}, so that a reader never sees a partial record, also
 * when a violation or Ctrl-C ends the run. The layout is described on {@link RecordFile}.
 */
final class RecordJsonWriter {
  static final int FORMAT = 1;
  private static final JsonFactory JSON = new JsonFactory();

  private RecordJsonWriter() {}

  static void write(Path file, Record r) {
    assert file != null : "write of no record";
    assert r != null : "write of no record";
    AtomicFiles.write(file, raw -> {
      OutputStream out = new BufferedOutputStream(raw, 1 << 16);
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.setPrettyPrinter(new Lines());
        write(g, r);
      }
      out.write('\n');
      out.flush();
    });
  }

  private static void write(JsonGenerator g, Record r) throws IOException {
    g.writeStartObject();
    assert r.orders() != null : "a record without its orders or scenario";
    assert r.scenario() != null : "a record without its orders or scenario";
    g.writeStringField("kind", RecordFile.KIND);
    g.writeNumberField("format", FORMAT);
    g.writeStringField("toolVersion", r.toolVersion());
    g.writeStringField("modelVersion", r.modelVersion());
    g.writeObjectFieldStart("scenario");
    g.writeStringField("name", r.scenario().name());
    g.writeStringField("source", r.scenario().source());
    g.writeEndObject();
    g.writeArrayFieldStart("options");
    for (String o : r.options()) g.writeString(o);
    g.writeEndArray();
    g.writeNumberField("vcpus", r.vcpus());
    g.writeNumberField("worldSeed", r.worldSeed());
    g.writeNumberField("threads", r.threads());
    g.writeNumberField("elapsedNanos", r.elapsedNanos());
    g.writeStringField("stoppedBy", r.stoppedBy());
    g.writeNumberField("deliveries", r.deliveries());
    g.writeObjectFieldStart("verdict");
    Violation v = r.violation();
    if (v == null) {
      g.writeStringField("status", "ok");
    } else {
      g.writeStringField("status", "violation");
      g.writeStringField("invariant", v.invariant());
      g.writeStringField("detail", v.detail());
      g.writeArrayFieldStart("actors");
      for (String a : v.actors()) g.writeString(a);
      g.writeEndArray();
      g.writeArrayFieldStart("gfns");
      for (long gfn : v.gfns()) g.writeString(TraceJson.hex(gfn));
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeStringField("finalStateHash", TraceJson.hex(r.finalStateHash()));
    g.writeArrayFieldStart("senders");
    for (String s : r.orders().senders()) g.writeString(s);
    g.writeEndArray();
    g.writeArrayFieldStart("receives");
    for (ReceiveOrder a : r.orders().actors()) {
      g.writeStartObject();
      g.writeStringField("actor", a.actor());
      g.writeNumberField("count", a.size());
      g.writeArrayFieldStart("order");
      long prev = 0;
      for (int i = 0; i < a.size(); i++) {
        // what the reader accepts: a sender of the table
        assert a.sender(i) < r.orders().senders().size() : a.actor() + ": sender " + a.sender(i);
        g.writeNumber(a.sender(i));
        g.writeNumber(a.senderSeq(i));
        g.writeNumber(a.time(i) - prev);
        prev = a.time(i);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * One top-level field per line, and one receive order per line: readable with a pager, diffable, and still a
   * few bytes per message.
   */
  private static final class Lines extends com.fasterxml.jackson.core.util.MinimalPrettyPrinter {
    private int depth;

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      depth++;
      assert depth >= 1 : "object depth " + depth;
      super.writeStartObject(g);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      depth--;
      if (depth == 0) g.writeRaw('\n');
      assert depth >= 0 : "an object closed at depth " + depth;
      super.writeEndObject(g, entries);
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      depth++;
      assert depth >= 1 : "array depth " + depth;
      super.writeStartArray(g);
      if (depth == 2 && inReceives(g)) g.writeRaw('\n');
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      depth--;
      super.writeEndArray(g, values);
      assert depth >= 0 : "an array closed at depth " + depth;
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(depth == 1 ? ",\n" : ",");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(depth == 2 && inReceives(g) ? ",\n" : ",");
    }

    private static boolean inReceives(JsonGenerator g) {
      assert g != null : "inReceives without an output context";
      assert g.getOutputContext() != null : "inReceives without an output context";
      var parent = g.getOutputContext().getParent();
      return parent != null && "receives".equals(parent.getCurrentName());
    }
  }
}
