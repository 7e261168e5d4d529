package tdxsim.stress.catalogue;

import java.util.Locale;
import java.util.OptionalDouble;

/** How the tables print numbers: counts without a spurious ".0", times in the unit a reader takes in at once. */
final class Figures {
  private Figures() {}

  /** 3, 2.5, 1234. */
  static String count(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String count(OptionalDouble v) {
    return v.isPresent() ? count(v.getAsDouble()) : "-";
  }

  /** "31 ms", "4.2 s". */
  static String seconds(double s) {
    if (s < 1) return String.format(Locale.ROOT, "%d ms", Math.round(s * 1000));
    return String.format(Locale.ROOT, "%.1f s", s);
  }

  static String seconds(OptionalDouble v) {
    return v.isPresent() ? seconds(v.getAsDouble()) : "-";
  }

  /** A per-schedule mean: whole numbers plain, else one decimal (two below 1, so 0.04 does not read 0.0). */
  static String mean(double v) {
    if (v == Math.rint(v)) return count(v);
    return String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.2f" : "%.1f", v);
  }
}
