package tdxsim.stress.cli;

/** A subcommand whose issue has not landed yet says so in one line and exits 2. */
final class NotYet {
  private NotYet() {}

  static BadInput because(String what, int issue) {
    return new BadInput(what + " is not available yet (issue #" + issue + ")");
  }
}
