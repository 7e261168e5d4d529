package tdxsim.stress.cli;

/** Input the user can fix (unknown option, malformed scenario or trace): one line on stderr, exit 2. */
public final class BadInput extends RuntimeException {
  public BadInput(String message) {
    super(message);
  }

  public BadInput(String message, Throwable cause) {
    super(message, cause);
  }
}
