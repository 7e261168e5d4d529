package tdxsim.stress.trace;

/**
 * A trace file that cannot be used: unreadable, malformed, incomplete, or from another model version. The message
 * is one line naming the file and the problem; the CLI prints it and exits 2.
 */
public final class TraceFormatException extends RuntimeException {
  public TraceFormatException(String message) {
    super(message);
    assert message != null : "a trace error without its message";
  }

  public TraceFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
