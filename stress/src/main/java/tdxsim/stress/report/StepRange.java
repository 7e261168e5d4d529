package tdxsim.stress.report;

/**
 * Which steps a text diagram shows: {@code 12-40}, {@code 12-} (to the end), {@code -40}, or {@code 12}.
 *
 * @param from first step shown, 1-based
 * @param to last step shown, inclusive
 */
public record StepRange(long from, long to) {
  public static final StepRange ALL = new StepRange(1, Long.MAX_VALUE);

  public StepRange {
    if (from < 1 || to < from) throw new IllegalArgumentException("empty step range " + from + "-" + to);
  }

  public boolean contains(long step) {
    return step >= from && step <= to;
  }

  /** @throws IllegalArgumentException with a one-line message naming the expected forms */
  public static StepRange parse(String s) {
    String t = s.trim();
    try {
      int dash = t.indexOf('-');
      if (dash < 0) {
        long n = Long.parseLong(t);
        return new StepRange(n, n);
      }
      long from = dash == 0 ? 1 : Long.parseLong(t.substring(0, dash));
      long to = dash == t.length() - 1 ? Long.MAX_VALUE : Long.parseLong(t.substring(dash + 1));
      return new StepRange(from, to);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + s + "' is not a step range (examples: 12-40, 12-, -40, 12; steps count from 1)");
    }
  }
}
