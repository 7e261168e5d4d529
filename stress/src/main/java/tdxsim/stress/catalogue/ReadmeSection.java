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
    check(file, BEGIN, END);
  }

  /** {@link #check(Path)} with other markers ({@code catalogue --hunt} has its own table). */
  public static void check(Path file, String begin, String end) {
    bounds(file, read(file), begin, end);
  }

  /** Replaces what is between the markers with {@code content} (markers kept, each on its own line). */
  public static void replace(Path file, String content) {
    replace(file, content, BEGIN, END);
  }

  /** {@link #replace(Path, String)} between other markers. */
  public static void replace(Path file, String content, String begin, String end) {
    String text = read(file);
    int[] b = bounds(file, text, begin, end);
    String body = content.endsWith("\n") ? content : content + "\n";
    String updated = text.substring(0, b[0] + begin.length()) + "\n" + body + text.substring(b[1]);
    try {
      AtomicFiles.writeString(file, updated);
    } catch (java.io.UncheckedIOException e) {
      throw new CatalogueException(e.getMessage(), e);
    }
  }

  /** Positions of BEGIN and END. */
  private static int[] bounds(Path file, String text, String beginMarker, String endMarker) {
    int begin = text.indexOf(beginMarker);
    int end = text.indexOf(endMarker);
    if (begin < 0 || end < 0) {
      throw new CatalogueException(file + ": no " + (begin < 0 ? beginMarker : endMarker) + " marker (add "
          + beginMarker + " and " + endMarker + " where the table goes)");
    }
    if (text.indexOf(beginMarker, begin + 1) >= 0 || text.indexOf(endMarker, end + 1) >= 0) {
      throw new CatalogueException(file + ": the markers " + beginMarker + " appear more than once");
    }
    if (end < begin) throw new CatalogueException(file + ": " + endMarker + " comes before " + beginMarker);
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
