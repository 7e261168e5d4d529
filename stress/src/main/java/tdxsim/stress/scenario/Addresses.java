package tdxsim.stress.scenario;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gfn addresses in scenario files. A scenario talks about its memslot in 2M ranges, so an address may be
 * {@code r<i>} or {@code "r<i>+<offset>"} (the first gfn of 2M range i, plus 4K pages; quoted because HOCON does
 * not allow {@code +} unquoted), or an absolute gfn as an integer or a {@code "0x..."} string.
 */
final class Addresses {
  private static final Pattern RANGE = Pattern.compile("r(\\d+)(?:\\s*\\+\\s*(0x[0-9a-fA-F]+|\\d+))?");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");

  private final long baseGfn;
  private final int ranges2M;

  Addresses(long baseGfn, int ranges2M) {
    this.baseGfn = baseGfn;
    this.ranges2M = ranges2M;
  }

  long end() {
    return baseGfn + ranges2M * 512L;
  }

  /** Parse an address value; {@code what} names it in errors (e.g. {@code workloads[0][1].at}). */
  long gfn(ConfigReader r, String key, ConfigValue v) {
    long g;
    if (v.valueType() == ConfigValueType.NUMBER && (v.unwrapped() instanceof Integer || v.unwrapped() instanceof Long)) {
      g = ((Number) v.unwrapped()).longValue();
    } else if (v.valueType() == ConfigValueType.STRING) {
      try {
        g = parse(r, key, v, ((String) v.unwrapped()).trim());
      } catch (NumberFormatException e) {
        throw r.error(key, "gfn out of range: " + ConfigReader.render(v));
      }
    } else {
      throw r.error(key, "expected a gfn (r<i>, \"r<i>+<pages>\", an integer or \"0x...\"), got "
          + ConfigReader.render(v));
    }
    if (g < baseGfn || g >= end()) {
      throw r.error(key, String.format("gfn 0x%x is outside the memslot [0x%x, 0x%x)", g, baseGfn, end()));
    }
    return g;
  }

  private long parse(ConfigReader r, String key, ConfigValue v, String s) {
    Matcher m = RANGE.matcher(s);
    if (m.matches()) {
      long i = Long.parseLong(m.group(1));
      if (i >= ranges2M) throw r.error(key, "range r" + i + " does not exist (ranges-2m = " + ranges2M + ")");
      long off = m.group(2) == null ? 0 : number(m.group(2));
      return baseGfn + 512L * i + off;
    }
    if (HEX.matcher(s).matches()) return number(s);
    if (s.matches("\\d+")) return Long.parseLong(s);
    throw r.error(key, "expected a gfn (r<i>, \"r<i>+<pages>\", an integer or \"0x...\"), got "
        + ConfigReader.render(v));
  }

  static long number(String s) {
    return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
  }

  /** A standalone absolute gfn (base-gfn): integer or "0x..." string. */
  static long absolute(ConfigReader r, String key, long dflt) {
    if (!r.has(key)) return dflt;
    ConfigValue v = r.value(key);
    Object u = v.unwrapped();
    if (v.valueType() == ConfigValueType.NUMBER && (u instanceof Integer || u instanceof Long)
        && ((Number) u).longValue() >= 0) {
      return ((Number) u).longValue();
    }
    if (v.valueType() == ConfigValueType.STRING && HEX.matcher(((String) u).trim()).matches()) {
      try {
        return number(((String) u).trim());
      } catch (NumberFormatException e) {
        throw r.error(key, "gfn out of range: " + ConfigReader.render(v));
      }
    }
    throw r.error(key, "expected a gfn (an integer or \"0x...\"), got " + ConfigReader.render(v));
  }
}
