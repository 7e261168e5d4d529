package tdxsim.stress.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a whole file or nothing: a temporary file in the target's directory, flushed to disk, then renamed over
 * the target. Traces, records, reports and the README table all go through here, so that a crash, a Ctrl-C or a
 * reader (a browser refreshing a report, a replay started meanwhile) never sees half a file.
 *
 * <p>The temporary is {@code .NAME.<pid>.<random>.tmp} ({@link StaleTemps}): a SIGKILL between its creation and
 * the rename leaves it behind, and the next write into that directory removes every one whose process is gone.
 * It is created like any new file (mode 0666 less the umask: 0644 usually), not 0600 as a temp file would be, so
 * that the rename hands over a file others can read.
 */
public final class AtomicFiles {
  /** Writes the file's contents; the stream must not be closed by the body. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  public static void writeString(Path file, String text) {
    write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  public static void write(Path file, Body body) {
    Path target = file.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      StaleTemps.removeIn(target.getParent());
      tmp = StaleTemps.create(target);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = new FilterOutputStream(Channels.newOutputStream(ch)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            this.out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush(); // a body (Jackson, for one) may close what it was given: the channel stays ours
          }
        };
        body.writeTo(out);
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Checks, before a long run, that {@code target} can be written later: creates and removes a temporary of the
   * name {@link #write} would use (so a name too long or a read-only directory shows now), and removes stale
   * temporaries. The directory must exist.
   *
   * @throws UncheckedIOException with a one-line reason
   */
  public static void probe(Path target) {
    Path abs = target.toAbsolutePath();
    Path tmp = null;
    try {
      StaleTemps.removeIn(abs.getParent());
      tmp = StaleTemps.create(abs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + abs.getParent() + ": " + reason(e), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** An IOException's message without the path it repeats (NIO puts the file name first). */
  public static String reason(IOException e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fse) {
      m = fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName().replace("Exception", "");
      if (e instanceof java.nio.file.AccessDeniedException && fse.getReason() == null) m = "permission denied";
      if (e instanceof java.nio.file.FileAlreadyExistsException) m = "exists";
      if (e instanceof java.nio.file.NotDirectoryException) m = "not a directory";
      if (e instanceof java.nio.file.NoSuchFileException && fse.getReason() == null) m = "no such file or directory";
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp == null) return;
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // the write already failed, or succeeded elsewhere; that is what to report
    }
  }
}
