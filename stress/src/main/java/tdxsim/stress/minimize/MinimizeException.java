package tdxsim.stress.minimize;

/**
 * A trace the minimizer cannot work on: it records no violation, or it does not replay exactly in the first
 * place (another model, a changed scenario). The message is one line; the CLI prints it and exits 2.
 */
public final class MinimizeException extends RuntimeException {
  public MinimizeException(String message) {
    super(message);
    assert message != null : "a minimize error without its message";
  }
}
