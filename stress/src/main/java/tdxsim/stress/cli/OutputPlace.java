package tdxsim.stress.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tdxsim.stress.io.AtomicFiles;

/**
 * Checks an output place ({@code --out}, {@code --record}, {@code --html}) before a run, so that what the run
 * finds is never lost to a typo found only at the end: a FILE must not be a directory or a device, a DIR must not
 * be a file; the directory is created now if missing (an ancestor that is a file refuses it). Both are probed by creating and removing the
 * temporary {@link AtomicFiles} would write (a read-only or unwritable directory, a name too long show now).
 * Any command that writes at the end calls these first; a refusal is {@link BadInput} (one line, exit 2).
 */
public final class OutputPlace {
  private OutputPlace() {}

  /** {@code option FILE}: a file to be written (replaced if it exists) at the end of the run. */
  public static void file(String option, Path file) {
    String where = option + " " + file + ": ";
    if (Files.isDirectory(file)) throw new BadInput(where + "is a directory; give a file name");
    if (Files.exists(file) && !Files.isRegularFile(file)) throw new BadInput(where + "exists and is not a regular file");
    createDirectories(where, file.toAbsolutePath().getParent());
    probe(where, file);
  }

  /** {@code option DIR}: a directory that files named {@code names} will be written into (created if missing). */
  public static void directory(String option, Path dir, String... names) {
    String where = option + " " + dir + ": ";
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new BadInput(where + "is a file, not a directory");
    createDirectories(where, dir);
    for (String name : names.length == 0 ? new String[] {"tdxsim-probe"} : names) {
      if (Files.isDirectory(dir.resolve(name))) throw new BadInput(where + name + " is a directory");
      probe(where, dir.resolve(name));
    }
  }

  private static void createDirectories(String where, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      Path existing = dir.toAbsolutePath();
      while (existing != null && !Files.exists(existing)) existing = existing.getParent();
      if (existing != null && !Files.isDirectory(existing)) {
        throw new BadInput(where + existing + " is a file, not a directory", e);
      }
      throw new BadInput(where + "cannot create directory " + dir + ": " + AtomicFiles.reason(e), e);
    }
  }

  private static void probe(String where, Path file) {
    try {
      AtomicFiles.probe(file);
    } catch (UncheckedIOException e) {
      throw new BadInput(where + e.getMessage(), e);
    }
  }
}
