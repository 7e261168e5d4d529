package tdxsim.stress.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every citation key in the tree has a row in docs/sources.md, so a maintainer without the original notes can
 * follow it. Keys: mail keys anywhere (C1, P3-16, S5-02, S16, T08); inside a bracketed citation, the files and
 * functions after TDXM / LNX, the races R1.., "mutation N" and "domain N.N" (a section of docs/domain-tdx-huge-pages.md).
 */
class SourceIndexTest {
  private static final Pattern MAIL_KEY = Pattern.compile("\\b(C[1-3]|P[1-9]-\\d{2}|S5-\\d{2}|S\\d{2}|T\\d{2})\\b");
  private static final Pattern CITATION = Pattern.compile("\\[([A-Z][^\\[\\]\\n]*)\\]");
  private static final Pattern SOURCE_FILE = Pattern.compile("([A-Za-z0-9_*-]+\\.[ch])\\b");
  private static final Pattern SOURCE_ITEM = Pattern.compile("^(?:TDXM|LNX|KVM) +([A-Za-z0-9_*./-]+)");
  private static final Pattern RACE = Pattern.compile("^(R\\d{1,2})\\b");
  private static final Pattern MUTATION = Pattern.compile("^(mutation \\d+)\\b");
  private static final Pattern DOMAIN_SECTION = Pattern.compile("^(domain \\d+(?:\\.\\d+)?)\\b");

  @Test
  void everyCitedKeyHasARowInSourcesMd() throws IOException {
    Path root = repoRoot();
    String index = Files.readString(root.resolve("docs/sources.md"));
    String domain = Files.readString(root.resolve("docs/domain-tdx-huge-pages.md"));
    Set<String> keys = new TreeSet<>();
    for (Path f : sourceFiles(root)) keys.addAll(keysIn(Files.readString(f, StandardCharsets.UTF_8)));
    assertTrue(keys.size() > 60, "the scan found only " + keys + ": the patterns no longer match the tree");
    assertEquals(Set.of(), unresolved(keys, index, domain), "cited keys without a row in docs/sources.md");
  }

  @Test
  void anUnknownKeyIsReported() {
    Set<String> keys = keysIn("// [" + "P9" + "-99; TDXM tdh_nothing.c, R" + "77, mutation 42, domain 9.9]\n");
    assertEquals(Set.of("P9" + "-99", "tdh_nothing.c", "R77", "mutation 42", "domain 9.9"), keys);
    assertEquals(keys, unresolved(keys, "| `P3-16` | x |", "### 1.4 TDX module"));
  }

  @Test
  void noReferenceToDocumentsOutsideTheRepo() throws IOException {
    Path root = repoRoot();
    Pattern outside = Pattern.compile("/work" + "/shared|the domain " + "file|(?<!docs/)(architecture|domain-tdx-huge-pages)\\.md");
    for (Path f : sourceFiles(root)) {
      if (f.startsWith(root.resolve("docs"))) continue;
      Matcher m = outside.matcher(Files.readString(f, StandardCharsets.UTF_8));
      assertTrue(!m.find(), () -> root.relativize(f) + " refers to \"" + m.group() + "\": cite docs/... instead");
    }
  }

  static Set<String> keysIn(String text) {
    Set<String> keys = new TreeSet<>();
    Matcher mail = MAIL_KEY.matcher(text);
    while (mail.find()) keys.add(mail.group(1));
    Matcher c = CITATION.matcher(text);
    while (c.find()) {
      String group = c.group(1);
      boolean sourceCitation = group.matches("(?s).*\\b(TDXM|LNX|KVM) .*");
      for (String raw : group.split("[,;]")) {
        String item = raw.trim();
        addMatch(keys, RACE, item);
        addMatch(keys, MUTATION, item);
        addMatch(keys, DOMAIN_SECTION, item);
        if (!sourceCitation) continue;
        Matcher file = SOURCE_FILE.matcher(item);
        while (file.find()) keys.add(file.group(1));
        Matcher named = SOURCE_ITEM.matcher(item);
        if (named.find() && !named.group(1).matches(".*\\.[ch]")) keys.add(named.group(1));
      }
    }
    return keys;
  }

  private static void addMatch(Set<String> keys, Pattern p, String item) {
    Matcher m = p.matcher(item);
    if (m.find()) keys.add(m.group(1));
  }

  /** Keys without a row: a mail key, file, race or mutation in backquotes; a domain section as a heading. */
  static Set<String> unresolved(Set<String> keys, String index, String domain) {
    Set<String> missing = new TreeSet<>();
    for (String k : keys) {
      boolean found = k.startsWith("domain ")
          ? Pattern.compile("(?m)^#{2,3} " + Pattern.quote(k.substring(7)) + "[. ]").matcher(domain).find()
          : index.contains("`" + k + "`");
      if (!found) missing.add(k);
    }
    return missing;
  }

  private static List<Path> sourceFiles(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !root.relativize(p).toString().matches("(\\.git|.*target|traces)/.*|.*/target/.*"))
          .filter(p -> p.toString().matches(".*\\.(java|conf|md)"))
          .filter(p -> !p.equals(root.resolve("docs/sources.md")))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docs/sources.md"))) p = p.getParent();
    assertTrue(p != null, "no docs/sources.md above " + Path.of("").toAbsolutePath());
    return p;
  }
}
