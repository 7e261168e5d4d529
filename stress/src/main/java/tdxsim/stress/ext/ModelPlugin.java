package tdxsim.stress.ext;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import tdxsim.actors.invariants.Invariant;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.actors.vm.VmConfig;

/**
 * The model's own design options, protocol mutations and invariants, as one plugin among the others: installed by
 * {@link java.util.ServiceLoader} from tdxsim's own {@code META-INF/services} entry, and always in effect
 * ({@link Extensions#none()} holds it), so that {@code --option}, a scenario's {@code options}, {@code list} and the
 * JUnit extension find a built-in and a user's option the same way.
 *
 * <p>A built-in option is the flag the model's actors read ({@link DesignOption}, where the kernel or module code
 * would change): its {@link DesignChange} sets that flag in the VM's configuration and leaves every behaviour as
 * spawned. Adding one is adding a constant to {@link DesignOption} (and reading it in the actors): it is listed,
 * parsed and recorded from here with no other change. Its names: the CLI name, the enum constant and its aliases.
 *
 * <p>The built-in invariants are checked by the model's {@code InvariantChecker} in one pass over the global state
 * it rebuilds (the checks share that state and run in a fixed order, which the traces' verdicts depend on); the
 * entries here name and describe them, and their per-plugin {@link UserInvariant.Check} observes nothing.
 */
public final class ModelPlugin implements TdxSimPlugin {
  /** The plugin's name; traces do not list it (their model version says which model they need). */
  public static final String NAME = "tdxsim";
  private static final List<DesignChange<?>> OPTIONS =
      Arrays.stream(DesignOption.values()).<DesignChange<?>>map(ModelPlugin::flag).toList();
  private static final UserInvariant.Check IN_THE_CHECKER = o -> {};
  private static final List<UserInvariant> INVARIANTS = Arrays.stream(Invariant.values())
      .map(i -> new UserInvariant(i.id(), i.description(), config -> IN_THE_CHECKER)).toList();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return ModelVersion.VERSION;
  }

  @Override
  public List<DesignChange<?>> options() {
    return OPTIONS;
  }

  /** By CLI name, enum constant name or alias ({@link DesignOption#parse}). */
  @Override
  public Optional<DesignChange<?>> option(String name) {
    DesignOption o = DesignOption.parse(name);
    return o == null ? Optional.empty() : Optional.of(OPTIONS.get(o.ordinal()));
  }

  @Override
  public List<UserInvariant> invariants() {
    return INVARIANTS;
  }

  /** The built-in option {@code o}: its flag set in the VM, every actor's behaviour as the model spawns it. */
  static DesignChange<Object> flag(DesignOption o) {
    return new DesignChange<>(o.cliName(), describe(o), "*", Object.class, DesignChange.keep(),
        config -> with(config, o));
  }

  private static VmConfig with(VmConfig config, DesignOption o) {
    EnumSet<DesignOption> set = EnumSet.noneOf(DesignOption.class);
    set.addAll(config.options());
    set.add(o);
    return config.withOptions(set);
  }

  /** "mutation 7: <description> [source]", with its aliases. */
  static String describe(DesignOption o) {
    String kind = o.kind() == DesignOption.Kind.MUTATION ? "mutation " + o.mutation() : o.kind().label();
    String alias = o.aliases().isEmpty() ? ""
        : " (alias " + String.join(", ", o.aliases()) + (o.mutation() > 0 ? " = mutation " + o.mutation() : "") + ")";
    return kind + ": " + o.description() + " [" + o.source() + "]" + alias;
  }
}
