package tdxsim.stress.catalogue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Catalogue text to records: shape and types only (what each key holds). Whether the names it holds exist
 * (scenarios, options, invariants) is {@link CatalogueValidator}'s job, so a syntax error and an unknown name
 * read differently. The text is parsed on its own (no reference.conf, no system properties), as scenarios are.
 */
final class CatalogueParser {
  private static final Set<String> TOP = Set.of("races", "mutations", "comparisons");
  private static final Set<String> RACE = Set.of("id", "title", "source", "scenario", "baseline", "exposed-by");
  private static final Set<String> EXPOSURE = Set.of("options", "invariant", "invariants");
  private static final Set<String> MUTATION = Set.of("id", "option", "title", "scenario", "invariants");
  private static final Set<String> COMPARISON = Set.of("id", "title", "scenario", "variants", "rows");
  private static final Set<String> VARIANT = Set.of("name", "options");

  private CatalogueParser() {}

  static Catalogue parse(String source, String text) {
    Config c;
    try {
      c = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
          .setOriginDescription(source)).resolve();
    } catch (ConfigException e) {
      throw new CatalogueException("catalogue " + source + ": " + oneLine(e), e);
    }
    EntryReader top = new EntryReader(source, "", c.root());
    top.onlyKeys(TOP);
    List<Race> races = new ArrayList<>();
    if (top.has("races")) for (EntryReader r : top.objects("races", true)) races.add(race(r));
    List<Mutation> mutations = new ArrayList<>();
    if (top.has("mutations")) for (EntryReader m : top.objects("mutations", true)) mutations.add(mutation(m));
    List<Comparison> comparisons = new ArrayList<>();
    if (top.has("comparisons")) {
      for (EntryReader m : top.objects("comparisons", true)) comparisons.add(comparison(m));
    }
    return new Catalogue(races, mutations, comparisons);
  }

  private static Race race(EntryReader r) {
    r.onlyKeys(RACE);
    String baseline = r.string("baseline");
    if (!Race.CLEAN.equals(baseline)) {
      throw r.error("baseline", "expected clean (the v3 baseline's verdict), got \"" + baseline + "\"");
    }
    List<Exposure> exposures = new ArrayList<>();
    for (EntryReader e : r.objects("exposed-by", false)) exposures.add(exposure(e));
    return new Race(r.string("id"), r.string("title"), r.string("source"), r.string("scenario"), baseline,
        exposures);
  }

  private static Exposure exposure(EntryReader e) {
    e.onlyKeys(EXPOSURE);
    List<String> options = e.strings("options", false);
    if (e.has("invariant") == e.has("invariants")) {
      throw e.error(null, "give exactly one of invariant = \"...\" or invariants = [...]");
    }
    List<String> invariants = e.has("invariant") ? List.of(e.string("invariant")) : e.strings("invariants", false);
    return new Exposure(options, invariants);
  }

  private static Mutation mutation(EntryReader m) {
    m.onlyKeys(MUTATION);
    return new Mutation(m.positiveInt("id"), m.string("option"), m.string("title"), m.string("scenario"),
        m.strings("invariants", false));
  }

  private static Comparison comparison(EntryReader c) {
    c.onlyKeys(COMPARISON);
    List<Variant> variants = new ArrayList<>();
    for (EntryReader v : c.objects("variants", false)) {
      v.onlyKeys(VARIANT);
      variants.add(new Variant(v.string("name"), v.strings("options", true)));
    }
    if (variants.size() < 2) throw c.error("variants", "a comparison needs at least two variants");
    List<String> rows = c.has("rows") ? c.strings("rows", false) : List.of();
    return new Comparison(c.string("id"), c.string("title"), c.string("scenario"), variants, rows);
  }

  /** A HOCON syntax error as "line N: problem", without Typesafe Config's origin prefix. */
  private static String oneLine(ConfigException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e.origin() != null) {
      String desc = e.origin().description();
      if (desc != null && msg.startsWith(desc)) msg = msg.substring(desc.length()).replaceFirst("^:\\s*", "");
      msg = msg.replaceFirst("^\\d+:\\s*", "");
      int line = e.origin().lineNumber();
      if (line > 0) msg = "line " + line + ": " + msg;
    }
    return msg.replace('\n', ' ');
  }
}
