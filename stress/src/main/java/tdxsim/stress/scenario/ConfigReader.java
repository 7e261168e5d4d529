package tdxsim.stress.scenario;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tdxsim.protocol.Level;

/**
 * Typed reads from one HOCON object with errors that name the key path and the value, in one line. Every object
 * is also checked for unknown keys, so a typo ({@code vcpu = 4}) is refused rather than silently ignored.
 */
final class ConfigReader extends HoconReader {
  ConfigReader(String source, String path, ConfigObject obj) {
    super(source, path, obj);
  }

  String source() {
    return source;
  }

  @Override
  public ScenarioException error(String key, String problem) {
    return new ScenarioException(message("scenario", key, problem));
  }

  private long integer(String key, ConfigValue v, long min, String expected) {
    return integer(key, v, min, Long.MAX_VALUE, expected, null);
  }

  /** An integer in [min, max]; above max the error says why ({@code whyMax}), not merely that it is too big. */
  private long integer(String key, ConfigValue v, long min, long max, String expected, String whyMax) {
    if (v.valueType() == ConfigValueType.NUMBER) {
      Object u = v.unwrapped();
      if ((u instanceof Integer || u instanceof Long) && ((Number) u).longValue() >= min) {
        long n = ((Number) u).longValue();
        if (n <= max) return n;
        throw error(key, "at most " + String.format(Locale.ROOT, "%,d", max)
            + (whyMax == null ? "" : " (" + whyMax + ")") + ", got " + String.format(Locale.ROOT, "%,d", n));
      }
    }
    throw error(key, "expected " + expected + ", got " + render(v));
  }

  int positiveInt(String key) {
    return positiveInt(key, Integer.MAX_VALUE, "the model counts it in an int");
  }

  /** A positive integer of at most {@code max}, which the model can hold for the reason {@code whyMax}. */
  int positiveInt(String key, int max, String whyMax) {
    return (int) integer(key, value(key), 1, max, "a positive integer", whyMax);
  }

  int positiveInt(String key, int dflt) {
    return has(key) ? positiveInt(key) : dflt;
  }

  int nonNegativeInt(String key, int dflt) {
    if (!has(key)) return dflt;
    return (int) integer(key, value(key), 0, Integer.MAX_VALUE, "a non-negative integer",
        "the model counts it in an int");
  }

  /** A count of pages, from a list element or a key. */
  long pages(String key) {
    return integer(key, value(key), 1, "a positive number of pages");
  }

  boolean bool(String key, boolean dflt) {
    if (!has(key)) return dflt;
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.BOOLEAN) return (Boolean) v.unwrapped();
    throw error(key, "expected true or false, got " + render(v));
  }

  String string(String key) {
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.STRING) return (String) v.unwrapped();
    throw error(key, "expected a string, got " + render(v));
  }

  String string(String key, String dflt) {
    return has(key) ? string(key) : dflt;
  }

  /** One of {@code choices} (case-insensitive); returned lower-case. */
  String choice(String key, String dflt, String... choices) {
    if (!has(key)) return dflt;
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.STRING) {
      String s = ((String) v.unwrapped()).toLowerCase(Locale.ROOT);
      for (String c : choices) if (c.equals(s)) return s;
    }
    throw error(key, "expected one of " + String.join(", ", choices) + ", got " + render(v));
  }

  Level level(String key, Level dflt) {
    String s = choice(key, null, "4k", "2m", "1g");
    if (s == null) return dflt;
    return switch (s) {
      case "4k" -> Level.PG_LEVEL_4K;
      case "2m" -> Level.PG_LEVEL_2M;
      default -> Level.PG_LEVEL_1G;
    };
  }

  /** The list under key (empty if absent). */
  ConfigList list(String key) {
    if (!has(key)) return null;
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.LIST) return (ConfigList) v;
    throw error(key, "expected a list, got " + render(v));
  }

  /** The object under key, as a reader, or null if absent. */
  ConfigReader object(String key) {
    if (!has(key)) return null;
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.OBJECT) return new ConfigReader(source, at(key), (ConfigObject) v);
    throw error(key, "expected an object { ... }, got " + render(v));
  }

  /** Element i of a list, which must be an object. */
  ConfigReader element(String key, ConfigList list, int i) {
    return new ConfigReader(source, at(key) + "[" + i + "]", element(key, list.get(i), i));
  }

  /** A list of strings (e.g. options). */
  List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    ConfigList l = list(key);
    if (l == null) return out;
    for (int i = 0; i < l.size(); i++) {
      ConfigValue v = l.get(i);
      if (v.valueType() != ConfigValueType.STRING) {
        throw error(key + "[" + i + "]", "expected a string, got " + render(v));
      }
      out.add((String) v.unwrapped());
    }
    return out;
  }
}
