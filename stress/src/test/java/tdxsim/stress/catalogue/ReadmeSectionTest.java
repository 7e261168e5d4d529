package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeSectionTest {
  @TempDir Path dir;

  @Test
  void replacesOnlyWhatIsBetweenTheMarkers() throws Exception {
    Path f = dir.resolve("README.md");
    Files.writeString(f, "# t\nbefore\n" + ReadmeSection.BEGIN + "\nold table\n" + ReadmeSection.END + "\nafter\n");
    ReadmeSection.replace(f, "| new |");
    assertEquals("# t\nbefore\n" + ReadmeSection.BEGIN + "\n| new |\n" + ReadmeSection.END + "\nafter\n",
        Files.readString(f));
    ReadmeSection.replace(f, "| newer |\n");
    assertEquals("# t\nbefore\n" + ReadmeSection.BEGIN + "\n| newer |\n" + ReadmeSection.END + "\nafter\n",
        Files.readString(f));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void aFileWithoutBothMarkersOnceEachIsRefusedAndLeftAlone() throws Exception {
    assertRefused("# no markers\n", "no " + ReadmeSection.BEGIN + " marker");
    assertRefused(ReadmeSection.BEGIN + "\n", "no " + ReadmeSection.END + " marker");
    assertRefused(ReadmeSection.END + "\n" + ReadmeSection.BEGIN + "\n", "comes before");
    assertRefused(ReadmeSection.BEGIN + ReadmeSection.END + ReadmeSection.BEGIN + "\n", "more than once");
    CatalogueException e = assertThrows(CatalogueException.class, () -> ReadmeSection.check(dir.resolve("none.md")));
    assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
  }

  private void assertRefused(String text, String why) throws Exception {
    Path f = dir.resolve("r.md");
    Files.writeString(f, text);
    CatalogueException e = assertThrows(CatalogueException.class, () -> ReadmeSection.replace(f, "x"));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertEquals(text, Files.readString(f));
  }
}
