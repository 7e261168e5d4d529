package tdxsim.stress.catalogue;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import tdxsim.stress.scenario.HoconReader;

/**
 * Typed reads from one HOCON object of the catalogue, in the scenario loader's style: every object is checked for
 * unknown keys (a typo such as {@code exposed_by} is refused, not silently ignored), and every error is one line
 * naming the file and the key path ({@code races[2].exposed-by[0].options[1]}) with the offending value.
 */
final class EntryReader extends HoconReader {
  EntryReader(String source, String path, ConfigObject obj) {
    super(source, path, obj);
  }

  @Override
  public CatalogueException error(String key, String problem) {
    return new CatalogueException(message("catalogue", key, problem));
  }

  /** A non-empty string; a bare HOCON word ({@code id = R2}) and a number ({@code id = 5}) read as text too. */
  String string(String key) {
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER) {
      String s = String.valueOf(v.unwrapped()).trim();
      if (!s.isEmpty()) return s;
    }
    throw error(key, "expected a non-empty string, got " + render(v));
  }

  int positiveInt(String key) {
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.NUMBER && v.unwrapped() instanceof Integer i && i > 0) return i;
    throw error(key, "expected a positive integer, got " + render(v));
  }

  /** A list of non-empty strings; {@code allowEmpty} says whether {@code []} is meaningful (a baseline variant). */
  List<String> strings(String key, boolean allowEmpty) {
    ConfigList l = list(key);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      ConfigValue v = l.get(i);
      if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isBlank()) {
        throw error(key + "[" + i + "]", "expected a non-empty string, got " + render(v));
      }
      out.add(((String) v.unwrapped()).trim());
    }
    if (out.isEmpty() && !allowEmpty) throw error(key, "must not be empty");
    return out;
  }

  ConfigList list(String key) {
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.LIST) return (ConfigList) v;
    throw error(key, "expected a list [ ... ], got " + render(v));
  }

  /** The objects of the list under key, as readers ({@code key[i]}). */
  List<EntryReader> objects(String key, boolean allowEmpty) {
    ConfigList l = list(key);
    List<EntryReader> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      out.add(new EntryReader(source, at(key) + "[" + i + "]", element(key, l.get(i), i)));
    }
    if (out.isEmpty() && !allowEmpty) throw error(key, "must not be empty");
    return out;
  }
}
