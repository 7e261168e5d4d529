package tdxsim.stress.catalogue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tdxsim.stress.io.AtomicFiles;

/**
 * The generated part of a README: the text between {@link #BEGIN} and {@link #END}, replaced as a whole file
 * (temporary file + rename) so that an interrupted run never leaves half a table. The markers are required, and
 * checked before the long run starts: a README without them is refused rather than appended to, because a tool
 * must not guess where a human's document wants its numbers.
 */
public final class ReadmeSection {
  public static final String BEGIN = "<!-- catalogue:begin -->";
  public static final String END = "<!-- catalogue:end -->";

  private ReadmeSection() {}

  /** Throws {@link CatalogueException} unless {@code file} is readable and has exactly one begin/end pair. */
  public static void check(Path file) {
    bounds(file, read(file));
  }

  /** Replaces what is between the markers with {@code content} (markers kept, each on its own line). */
  public static void replace(Path file, String content) {
    String text = read(file);
    int[] b = bounds(file, text);
    String body = content.endsWith("\n") ? content : content + "\n";
    String updated = text.substring(0, b[0] + BEGIN.length()) + "\n" + body + text.substring(b[1]);
    try {
      AtomicFiles.writeString(file, updated);
    } catch (java.io.UncheckedIOException e) {
      throw new CatalogueException(e.getMessage(), e);
    }
  }

  /** Positions of BEGIN and END. */
  private static int[] bounds(Path file, String text) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < 0) {
      throw new CatalogueException(file + ": no " + (begin < 0 ? BEGIN : END) + " marker (add " + BEGIN + " and "
          + END + " where the catalogue table goes)");
    }
    if (text.indexOf(BEGIN, begin + 1) >= 0 || text.indexOf(END, end + 1) >= 0) {
      throw new CatalogueException(file + ": the catalogue markers appear more than once");
    }
    if (end < begin) throw new CatalogueException(file + ": " + END + " comes before " + BEGIN);
    return new int[] {begin, end};
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CatalogueException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
