package tdxsim.stress.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.Instantiatable;
import java.io.IOException;

/**
 * Indents the two outer levels of a trace and writes anything deeper on one line, so that each decision is one
 * line: a trace reads top to bottom and diffs line by line.
 */
final class TracePrettyPrinter implements PrettyPrinter, Instantiatable<TracePrettyPrinter> {
  private static final int MULTILINE_DEPTH = 2;
  private int depth;

  @Override
  public TracePrettyPrinter createInstance() {
    return new TracePrettyPrinter();
  }

  private boolean multiline() {
    assert depth >= 0 : "JSON depth " + depth;
    return depth <= MULTILINE_DEPTH;
  }

  private void newline(JsonGenerator g) throws IOException {
    assert depth <= MULTILINE_DEPTH : "a newline at depth " + depth;
    g.writeRaw('\n');
    for (int i = 0; i < depth; i++) g.writeRaw("  ");
  }

  @Override
  public void writeRootValueSeparator(JsonGenerator g) throws IOException {
    assert depth == 0 : "a root separator at depth " + depth;
    g.writeRaw('\n');
  }

  @Override
  public void writeStartObject(JsonGenerator g) throws IOException {
    open(g, '{');
  }

  @Override
  public void beforeObjectEntries(JsonGenerator g) throws IOException {
    beforeFirst(g);
  }

  @Override
  public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
    g.writeRaw(": ");
  }

  @Override
  public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
    separate(g);
  }

  @Override
  public void writeEndObject(JsonGenerator g, int entries) throws IOException {
    close(g, entries, '}');
  }

  @Override
  public void writeStartArray(JsonGenerator g) throws IOException {
    open(g, '[');
  }

  @Override
  public void beforeArrayValues(JsonGenerator g) throws IOException {
    beforeFirst(g);
  }

  @Override
  public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
    separate(g);
  }

  @Override
  public void writeEndArray(JsonGenerator g, int values) throws IOException {
    close(g, values, ']');
  }

  // Objects and arrays are laid out alike: one entry a line down to MULTILINE_DEPTH, on one line below it.

  private void open(JsonGenerator g, char bracket) throws IOException {
    assert depth >= 0 : "a " + bracket + " opened at depth " + depth;
    g.writeRaw(bracket);
    depth++;
  }

  private void beforeFirst(JsonGenerator g) throws IOException {
    if (multiline()) newline(g);
  }

  private void separate(JsonGenerator g) throws IOException {
    g.writeRaw(',');
    if (multiline()) newline(g);
    else g.writeRaw(' ');
  }

  private void close(JsonGenerator g, int entries, char bracket) throws IOException {
    assert depth > 0 : "a " + bracket + " closed at depth " + depth;
    assert entries >= 0 : entries + " entries closed by " + bracket;
    boolean ml = multiline();
    depth--;
    if (ml && entries > 0) newline(g);
    g.writeRaw(bracket);
  }
}
