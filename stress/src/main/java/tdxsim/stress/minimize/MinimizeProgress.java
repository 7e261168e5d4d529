package tdxsim.stress.minimize;

/**
 * The minimizer's progress, reported after each improvement and otherwise about once a second.
 *
 * @param pass the pass running ({@code actors}, {@code ddmin}, {@code switches})
 * @param attempts candidate schedules run so far
 * @param maxAttempts the attempt budget
 * @param steps length of the best trace so far
 * @param switches its context switches
 * @param elapsedNanos wall time so far
 */
public record MinimizeProgress(String pass, int attempts, int maxAttempts, int steps, int switches, long elapsedNanos) {
  /** "ddmin: 120/5000 attempts, 14 steps, 5 switches". */
  public String oneLine() {
    assert pass != null : "progress " + pass;
    assert attempts >= 0 : "progress " + pass;
    assert steps >= 0 : "progress " + pass;
    assert switches >= 0 : "progress " + pass;
    return pass + ": " + attempts + "/" + maxAttempts + " attempts, " + steps + " steps, " + switches + " switches";
  }
}
