package tdxsim.stress.ext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Builds a {@link TdxSimPlugin} in code (a test's own options and invariants). */
public final class PluginBuilder {
  private final String name;
  private final String version;
  private final List<DesignChange<?>> options = new ArrayList<>();
  private final List<UserInvariant> invariants = new ArrayList<>();

  PluginBuilder(String name, String version) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
  }

  public PluginBuilder option(DesignChange<?> option) {
    options.add(Objects.requireNonNull(option));
    return this;
  }

  public PluginBuilder invariant(UserInvariant invariant) {
    invariants.add(Objects.requireNonNull(invariant));
    return this;
  }

  public TdxSimPlugin build() {
    Built p = new Built(name, version, List.copyOf(options), List.copyOf(invariants));
    Extensions.none().withPlugin(p); // the same checks as an installed plugin's
    return p;
  }

  private record Built(String name, String version, List<DesignChange<?>> options, List<UserInvariant> invariants)
      implements TdxSimPlugin {}
}
