package tdxsim.stress.cli;

/** Input the user can fix (unknown option, malformed scenario or trace): one line on stderr, exit 2. */
public final class BadInput extends RuntimeException {
  private final boolean summaryPrinted;

  public BadInput(String message) {
    this(message, null);
  }

  public BadInput(String message, Throwable cause) {
    super(message, cause);
    this.summaryPrinted = false;
  }

  private BadInput(String message, boolean summaryPrinted) {
    super(message);
    this.summaryPrinted = summaryPrinted;
  }

  /**
   * A result that could not be written after the run: the summary (and its {@code --json} line, with an
   * {@code error} field) is already printed, so only the one line on stderr follows.
   */
  public static BadInput afterSummary(String message) {
    return new BadInput(message, true);
  }

  boolean summaryPrinted() {
    return summaryPrinted;
  }
}
