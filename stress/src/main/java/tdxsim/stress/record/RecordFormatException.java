package tdxsim.stress.record;

/** A record file that cannot be used: missing, malformed, incomplete, or of another model version. One line. */
public final class RecordFormatException extends RuntimeException {
  public RecordFormatException(String message) {
    super(message);
  }

  public RecordFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
