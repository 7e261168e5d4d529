package tdxsim.stress.scenario;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;

/**
 * Refuses HOCON {@code include}: a scenario is one file, because a trace carries that file's text and replays it
 * on another machine, where an included file may differ or be missing. Typesafe Config's default would read it,
 * or, for a file that is not there, silently include nothing.
 */
final class NoIncludes implements ConfigIncluder {
  static final NoIncludes INSTANCE = new NoIncludes();

  @Override
  public ConfigIncluder withFallback(ConfigIncluder fallback) {
    return this;
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    throw new ConfigException.Generic("include \"" + what + "\" is not supported: a scenario is one file (a trace "
        + "carries its text, not what it includes)");
  }
}
