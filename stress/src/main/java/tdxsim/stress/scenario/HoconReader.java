package tdxsim.stress.scenario;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every reader of a HOCON input file shares (the scenario's {@code ConfigReader}, the catalogue's
 * {@code EntryReader}): one object at a key path of a named source, unknown keys refused (a typo such as
 * {@code vcpu = 4} is an error, not silently ignored), and every error one line naming the source, the key path
 * ({@code races[2].exposed-by[0].options[1]}) and the problem. The typed reads are the subclass's.
 */
public abstract class HoconReader {
  protected final String source;
  protected final String path;
  protected final ConfigObject obj;

  protected HoconReader(String source, String path, ConfigObject obj) {
    this.source = source;
    this.path = path;
    this.obj = obj;
  }

  /** The error for {@code key} (null: the object itself), thrown by the caller. */
  public abstract RuntimeException error(String key, String problem);

  /** "kind source: path: problem", the one-line form of every error. */
  protected String message(String kind, String key, String problem) {
    return kind + " " + source + ": " + at(key) + ": " + problem;
  }

  public String at(String key) {
    if (key == null) return path.isEmpty() ? "(top level)" : path;
    return path.isEmpty() ? key : path + "." + key;
  }

  public static String render(ConfigValue v) {
    return v.render(ConfigRenderOptions.concise());
  }

  /** Refuse keys other than {@code allowed}. */
  public void onlyKeys(Set<String> allowed) {
    for (String k : new TreeSet<>(obj.keySet())) {
      if (!allowed.contains(k)) {
        throw error(k, "unknown key (known: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
  }

  public boolean has(String key) {
    return obj.containsKey(key) && obj.get(key).valueType() != ConfigValueType.NULL;
  }

  /** The value under key; missing is an error. */
  public ConfigValue value(String key) {
    ConfigValue v = obj.get(key);
    if (v == null || v.valueType() == ConfigValueType.NULL) throw error(key, "missing");
    return v;
  }

  /** Element i of the list under key, which must be an object: its source and key path for a reader. */
  protected ConfigObject element(String key, ConfigValue v, int i) {
    if (v.valueType() == ConfigValueType.OBJECT) return (ConfigObject) v;
    throw error(key + "[" + i + "]", "expected an object { ... }, got " + render(v));
  }
}
