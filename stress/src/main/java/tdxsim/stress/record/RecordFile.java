package tdxsim.stress.record;

import java.nio.file.Path;

/**
 * Reads and writes record files: JSON, streamed (a record of a long run holds millions of entries), written to a
 * temporary file in the target's directory, flushed to disk and atomically renamed, so that a reader never sees
 * a partial record, also when a violation or Ctrl-C ends the run.
 *
 * <p>Layout: {@code "kind": "tdxsim-record"} first (so that {@link #isRecord} tells a record from a trace by
 * reading a few bytes), then versions, scenario, options, run facts, the verdict and the final-state hash, then
 * the sender table and one receive order per actor: {@code "order": [sender, senderSeq, dt, ...]}, three numbers
 * per message, {@code sender} indexing {@code senders}, {@code dt} the nanoseconds since the actor's previous
 * message (the replay's ordering hint). Hashes and gfns are hex strings, as in traces. A file whose name does not
 * end in {@code .json} is written in the compact binary format instead ({@link RecordBinary}); both are read.
 */
public final class RecordFile {
  public static final String KIND = "tdxsim-record";

  private RecordFile() {}

  /** Whether {@code file} is a record (rather than a trace or anything else); false if unreadable. */
  public static boolean isRecord(Path file) {
    return RecordBinary.isBinary(file) || RecordJsonReader.isRecord(file);
  }

  public static void write(Path file, Record r) {
    assert file != null : "write of no record";
    assert r != null : "write of no record";
    if (!file.getFileName().toString().endsWith(".json")) {
      RecordBinary.write(file, r); // any other name: the compact binary record
    } else {
      RecordJsonWriter.write(file, r);
    }
  }

  // ---- reading ----------------------------------------------------------------------------------------------

  /** Reads a record written for {@code expectedModelVersion}. */
  public static Record read(Path file, String expectedModelVersion) {
    assert expectedModelVersion != null : "read without the model version";
    Record r = read(file);
    if (!r.modelVersion().equals(expectedModelVersion)) {
      throw new RecordFormatException("record " + file + " was written for model version " + r.modelVersion()
          + ", but this is model version " + expectedModelVersion);
    }
    return r;
  }

  /** Reads a record of any model version. */
  public static Record read(Path file) {
    return RecordBinary.isBinary(file) ? RecordBinary.read(file) : RecordJsonReader.read(file);
  }
}
