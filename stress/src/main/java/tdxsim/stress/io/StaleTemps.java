package tdxsim.stress.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporaries of {@link AtomicFiles}: {@code .NAME.<pid>.<random>.tmp}, next to the file they become. The pid
 * says whose it is, so a later write can remove the ones a killed process left (SIGKILL, power loss) without
 * touching one a live process is still writing. Temporaries of the earlier form {@code .NAME.<random>.tmp}
 * parse as a pid that is not running and are removed too.
 */
final class StaleTemps {
  private static final Pattern TEMP = Pattern.compile("\\..+\\.(\\d+)\\.[0-9a-z]+\\.tmp|\\..+\\.(\\d+)\\.tmp");
  private static final long PID = ProcessHandle.current().pid();

  private StaleTemps() {}

  /** Creates this process's temporary for {@code target} (absolute), as a new file (mode 0666 less the umask). */
  static Path create(Path target) throws IOException {
    String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + PID + "." + random + ".tmp");
    Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
    return tmp;
  }

  /** Removes the temporaries in {@code dir} whose process is no longer running; returns how many. */
  static int removeIn(Path dir) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : ds) {
        if (isStale(p.getFileName().toString()) && Files.deleteIfExists(p)) removed++;
      }
    }
    return removed;
  }

  static boolean isStale(String name) {
    Matcher m = TEMP.matcher(name);
    if (!m.matches()) return false;
    String digits = m.group(1) != null ? m.group(1) : m.group(2);
    long pid;
    try {
      pid = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return true; // not a pid at all: the earlier form's random number
    }
    return pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
