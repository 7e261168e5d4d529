package tdxsim.stress.scenario;

/**
 * A scenario (file, built-in name or {@code --option}) the user must fix. The message is ONE line naming the
 * scenario, the key and the problem, e.g. {@code scenario small.conf: vcpus: expected a positive integer, got "x"};
 * the CLI prints it and exits 2.
 */
public final class ScenarioException extends RuntimeException {
  public ScenarioException(String message) {
    super(message.replace('\n', ' '));
  }

  public ScenarioException(String message, Throwable cause) {
    super(message.replace('\n', ' '), cause);
  }
}
