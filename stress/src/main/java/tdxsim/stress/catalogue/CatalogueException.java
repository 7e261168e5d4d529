package tdxsim.stress.catalogue;

/**
 * A catalogue file the user must fix: one line naming the file, the entry's key path and the problem, e.g.
 * {@code catalogue catalogue.conf: races[0].scenario: no built-in scenario "race-r99"}. It is a separate type (not
 * the scenario module's) so that the CLI can say which file was wrong; the CLI prints it and exits 2.
 */
public final class CatalogueException extends RuntimeException {
  public CatalogueException(String message) {
    super(message.replace('\n', ' '));
  }

  public CatalogueException(String message, Throwable cause) {
    super(message.replace('\n', ' '), cause);
  }
}
