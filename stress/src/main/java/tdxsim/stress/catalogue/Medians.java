package tdxsim.stress.catalogue;

import java.util.Arrays;
import java.util.OptionalDouble;

/** The median, the statistic the tables use: one unlucky seed must not move the figure the way it moves a mean. */
final class Medians {
  private Medians() {}

  /** The median (mean of the middle two for an even count), or empty. */
  static OptionalDouble of(double[] values) {
    if (values.length == 0) return OptionalDouble.empty();
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return OptionalDouble.of(v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2);
  }
}
