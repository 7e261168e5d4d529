package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loading and validating the catalogue: the built-in file is well-formed, and every kind of mistake in a file is
 * refused before anything runs, in one line that names the key path.
 */
class CatalogueLoadTest {
  private static final String RACE = "{ id = R2, title = t, source = s, scenario = small, baseline = clean,"
      + " exposed-by = [ { options = [v1-ignore-shared-split], invariant = \"mmu.accept-level-honoured\" } ] }";
  private static final String MUTATION = "{ id = 5, option = failable-notifier, title = t, scenario = default,"
      + " invariants = [\"gmem.conversion-all-or-nothing\"] }";
  private static final String COMPARISON = "{ id = c, title = t, scenario = small, variants = ["
      + " { name = a, options = [] }, { name = b, options = [v1-folio-refcount] } ] }";

  @Test
  void theBuiltInCatalogueLoadsWithEveryEntryUsable() {
    Catalogue c = Catalogue.load();
    assertFalse(c.races().isEmpty());
    assertFalse(c.comparisons().isEmpty());
    for (Race r : c.races()) assertFalse(r.exposedBy().isEmpty(), r.id());
    assertEquals(c.races().stream().mapToInt(r -> r.exposedBy().size()).sum() + c.mutations().size(),
        c.targets().size());
    assertTrue(c.comparison("notifier").isPresent());
  }

  @Test
  void aWellFormedFileParsesIntoRecords() {
    Catalogue c = Catalogue.parse("t.conf", "races = [" + RACE + "]\nmutations = [" + MUTATION + "]\n"
        + "comparisons = [" + COMPARISON + "]");
    Race r = c.races().get(0);
    assertEquals("R2", r.id());
    assertEquals(List.of("v1-ignore-shared-split"), r.exposedBy().get(0).options());
    assertEquals(List.of("mmu.accept-level-honoured"), r.exposedBy().get(0).invariants());
    Mutation m = c.mutations().get(0);
    assertEquals(5, m.id());
    Target t = c.targets().get(1);
    assertEquals("M5", t.id());
    assertEquals(List.of("failable-notifier"), t.options());
    assertEquals("M5 failable-notifier on default", t.label());
    assertEquals(CounterNames.DEFAULT_ROWS, c.comparisons().get(0).rowsOrDefault());
  }

  @Test
  void anExposureMayListSeveralInvariants() {
    Catalogue c = Catalogue.parse("t.conf", "races = [" + RACE.replace("invariant = \"mmu.accept-level-honoured\"",
        "invariants = [\"mmu.accept-level-honoured\", \"liveness.accept-retries\"]") + "]");
    assertEquals(List.of("mmu.accept-level-honoured", "liveness.accept-retries"),
        c.races().get(0).exposedBy().get(0).invariants());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown top key      | racez = []                                                | racez: unknown key (known: comparisons, mutations, races)
      unknown race key     | races = [@RACE@]                                          | races[0].colour: unknown key
      race not an object   | races = [R2]                                              | races[0]: expected an object { ... }, got "R2"
      missing title        | races = [@RACE@]                                          | races[0].title: missing
      baseline not clean   | races = [@RACE@]                                          | races[0].baseline: expected clean
      unknown scenario     | races = [@RACE@]                                          | races[0].scenario: no built-in scenario "nosuch"
      unknown option       | races = [@RACE@]                                          | races[0].exposed-by[0].options: option v1-nosuch: unknown design option
      unknown invariant    | races = [@RACE@]                                          | races[0].exposed-by[0].invariants[0]: unknown invariant "mmu.nosuch"
      both invariant keys  | races = [@RACE@]                                          | races[0].exposed-by[0]: give exactly one of invariant
      empty exposed-by     | races = [@RACE@]                                          | races[0].exposed-by: must not be empty
      duplicate id         | races = [@RACE@, @RACE@]                                  | races[1].id: duplicate id R2
      mutation id not int  | mutations = [@MUTATION@]                                  | mutations[0].id: expected a positive integer, got "five"
      mutation no invs     | mutations = [@MUTATION@]                                  | mutations[0].invariants: must not be empty
      one variant only     | comparisons = [@COMPARISON@]                              | comparisons[0].variants: a comparison needs at least two variants
      unknown counter      | comparisons = [@COMPARISON@]                              | comparisons[0].rows[0]: unknown counter "splits"
      syntax error         | races = [                                                 | catalogue t.conf: line 1:
      """)
  void mistakesAreRefusedInOneLineNamingTheKey(String name, String text, String expected) {
    String t = text.replace("@RACE@", race(name)).replace("@MUTATION@", mutation(name))
        .replace("@COMPARISON@", comparison(name));
    CatalogueException e = assertThrows(CatalogueException.class, () -> Catalogue.parse("t.conf", t));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("catalogue t.conf: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  private static String race(String mistake) {
    return switch (mistake) {
      case "unknown race key" -> RACE.replace("{ id", "{ colour = red, id");
      case "missing title" -> RACE.replace("title = t,", "");
      case "baseline not clean" -> RACE.replace("baseline = clean", "baseline = broken");
      case "unknown scenario" -> RACE.replace("scenario = small", "scenario = nosuch");
      case "unknown option" -> RACE.replace("[v1-ignore-shared-split]", "[v1-nosuch]");
      case "unknown invariant" -> RACE.replace("mmu.accept-level-honoured", "mmu.nosuch");
      case "both invariant keys" -> RACE.replace("invariant =", "invariants = [x], invariant =");
      case "empty exposed-by" -> RACE.substring(0, RACE.indexOf("exposed-by")) + "exposed-by = [] }";
      default -> RACE;
    };
  }

  private static String mutation(String mistake) {
    return switch (mistake) {
      case "mutation id not int" -> MUTATION.replace("id = 5", "id = five");
      case "mutation no invs" -> MUTATION.replace("[\"gmem.conversion-all-or-nothing\"]", "[]");
      default -> MUTATION;
    };
  }

  private static String comparison(String mistake) {
    return switch (mistake) {
      case "one variant only" -> COMPARISON.replace(", { name = b, options = [v1-folio-refcount] }", "");
      case "unknown counter" -> COMPARISON.replace(" ] }", " ], rows = [splits] }");
      default -> COMPARISON;
    };
  }
}
