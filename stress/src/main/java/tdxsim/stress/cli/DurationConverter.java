package tdxsim.stress.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** "30s", "2m", "500ms", "1h", or a plain number of seconds; never zero (a zero limit would run nothing and pass). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    Matcher m = FORM.matcher(value.trim());
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (examples: 500ms, 30s, 2m, 1h)");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is too long a duration");
    }
    if (n == 0) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is zero: a run with no time would check nothing and pass (give e.g. 30s)");
    }
    String unit = m.group(2) == null ? "s" : m.group(2);
    try {
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    } catch (ArithmeticException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is too long a duration");
    }
  }
}
