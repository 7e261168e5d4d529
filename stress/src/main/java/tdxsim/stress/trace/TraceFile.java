package tdxsim.stress.trace;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tdxsim.stress.io.AtomicFiles;

/**
 * Reads and writes trace files. Writing goes to a temporary file in the target's directory, which is flushed
 * to disk and then atomically renamed, so a reader never sees a partial trace. Reading refuses, with a one-line
 * {@link TraceFormatException}, anything that is not a complete trace of the expected model version.
 */
public final class TraceFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TraceFile() {}

  public static void write(Path file, Trace trace) {
    assert file != null : "write of no trace";
    assert trace != null : "write of no trace";
    AtomicFiles.write(file, out -> {
      JSON.writer(new TracePrettyPrinter()).writeValue(out, TraceJson.toJson(trace));
      out.write('\n');
    });
  }

  /** A trace as one JSON text (how a cluster's worker sends it to the coordinator). */
  public static String toJsonText(Trace trace) {
    assert trace != null : "the JSON of no trace";
    try {
      return JSON.writeValueAsString(TraceJson.toJson(trace));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a trace is always JSON", e);
    }
  }

  /** The trace in {@link #toJsonText}'s text; {@code where} names its origin in errors. */
  public static Trace fromJsonText(String text, String where) {
    assert text != null : "a trace from no text";
    assert where != null : "a trace from no text";
    try {
      return TraceJson.fromJson(JSON.readTree(text), where);
    } catch (JsonProcessingException e) {
      throw new TraceFormatException("trace from " + where + ": malformed JSON: " + firstLine(e), e);
    }
  }

  /**
   * Reads a trace written for {@code expectedModelVersion}.
   *
   * @throws TraceFormatException if the file is missing, unreadable, malformed, incomplete or of another model
   *     version
   */
  public static Trace read(Path file, String expectedModelVersion) {
    assert expectedModelVersion != null : "read without the model version";
    Trace t = read(file);
    if (!t.modelVersion().equals(expectedModelVersion)) {
      throw new TraceFormatException(
          "trace " + file + " was written for model version " + t.modelVersion() + ", but this is model version "
              + expectedModelVersion);
    }
    return t;
  }

  /** Reads a trace of any model version (for reports). */
  public static Trace read(Path file) {
    if (java.nio.file.Files.isDirectory(file)) {
      throw new TraceFormatException("trace " + file + ": is a directory, not a trace file");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new TraceFormatException("trace " + file + ": malformed JSON" + where + ": " + firstLine(e), e);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new TraceFormatException("trace " + file + ": no such file", e);
    } catch (IOException e) {
      throw new TraceFormatException("trace " + file + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) throw new TraceFormatException("trace " + file + ": empty file");
    return TraceJson.fromJson(root, file.toString());
  }

  private static String firstLine(JsonProcessingException e) {
    assert e != null : "the first line of no exception";
    String m = e.getOriginalMessage();
    if (m == null) return "";
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
