package tdxsim.stress.catalogue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The race catalogue: races (docs/domain-tdx-huge-pages.md section 3), protocol mutations (section 4) and design comparisons,
 * as data in {@code catalogue.conf}, so that adding a race is adding an entry (and the tests, the README table
 * and the comparison follow), never adding code.
 *
 * <p>Loading validates everything that can be wrong before anything runs (unknown keys, bad values, unknown
 * scenarios, options, invariants, counters, duplicate ids): an hour-long {@code ./tdxsim catalogue} must not die
 * on a typo in its last entry.
 */
public record Catalogue(List<Race> races, List<Mutation> mutations, List<Comparison> comparisons) {
  /** The classpath resource of the built-in catalogue. */
  public static final String RESOURCE = "/catalogue.conf";

  public Catalogue {
    races = List.copyOf(races);
    mutations = List.copyOf(mutations);
    comparisons = List.copyOf(comparisons);
  }

  /** The built-in catalogue, validated. */
  public static Catalogue load() {
    try (InputStream in = Catalogue.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("catalogue resource missing: " + RESOURCE);
      return parse("catalogue.conf", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }

  /** A catalogue file (another catalogue than the built-in one), validated. */
  public static Catalogue load(Path file) {
    try {
      return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CatalogueException("catalogue " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Parses and validates catalogue text; {@code source} names it in errors. */
  public static Catalogue parse(String source, String text) {
    Catalogue c = CatalogueParser.parse(source, text);
    CatalogueValidator.validate(source, c);
    return c;
  }

  /**
   * The same targets, every one on {@code scenario} instead of its own (how well a search finds each break on a
   * scenario nobody wrote for it: {@code ./tdxsim catalogue --scenario default}).
   */
  public Catalogue onScenario(String scenario) {
    return new Catalogue(
        races.stream().map(r -> new Race(r.id(), r.title(), r.source(), scenario, r.baseline(), r.exposedBy())).toList(),
        mutations.stream().map(m -> new Mutation(m.id(), m.option(), m.title(), scenario, m.invariants())).toList(),
        comparisons);
  }

  /** Everything that should be caught: each race's exposures, then each mutation, in file order. */
  public List<Target> targets() {
    List<Target> out = new ArrayList<>();
    for (Race r : races) {
      for (Exposure e : r.exposedBy()) out.add(Target.of(r, e));
    }
    for (Mutation m : mutations) out.add(Target.of(m));
    return out;
  }

  public Optional<Comparison> comparison(String id) {
    return comparisons.stream().filter(c -> c.id().equals(id)).findFirst();
  }
}
