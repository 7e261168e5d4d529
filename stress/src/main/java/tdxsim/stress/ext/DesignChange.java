package tdxsim.stress.ext;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.vm.VmConfig;

/**
 * A design option of one's own: a named change of one actor's behaviour (or of every actor of a family). The change
 * receives the behaviour the model would spawn and returns the one to spawn: a replacement written from scratch,
 * or the original wrapped ({@code Behaviors.intercept}). Actors, by the names the VM gives them: {@code vcpu-N},
 * {@code tdp-mmu-N}, {@code mmu-lock}, {@code tdx-module}, {@code guest-memfd}, {@code iommu}, {@code userspace},
 * {@code vmm}; a trailing {@code *} matches a family ({@code vcpu-*}).
 *
 * <p>Rules of the model hold for a replacement too: a deterministic function of the messages received (no clocks,
 * no shared state, no unseeded randomness), explicit {@code replyTo} fields, observations for every state change
 * the invariants should see.
 *
 * <p>The built-in options are the same records ({@link ModelPlugin}): each sets the flag the model's actors read
 * ({@code configure}) and leaves the behaviours as spawned ({@link #keep()}, on every actor: {@code *} and
 * {@code Object}).
 *
 * @param name the {@code --option} name ({@code [a-z0-9.-]+}, not a built-in's)
 * @param description one line, for {@code ./tdxsim list}
 * @param actor the actor it changes ({@code mmu-lock}), or a family ({@code vcpu-*}), or every actor ({@code *})
 * @param protocol that actor's message type ({@code tdxsim.protocol.MmuLockMsg}; {@code Object} for a change that
 *     works on any actor)
 * @param change the model's behaviour and where it runs, to the behaviour to spawn
 * @param configure the VM's configuration to the one to run (the identity for an option that changes behaviour
 *     only)
 */
public record DesignChange<M>(String name, String description, String actor, Class<M> protocol,
    BiFunction<Behavior<M>, ActorSite, Behavior<M>> change, UnaryOperator<VmConfig> configure) {
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");
  private static final BiFunction<Behavior<Object>, ActorSite, Behavior<Object>> KEEP = (b, site) -> b;

  public DesignChange {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(configure, "configure");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("design option name must match " + NAME + ": " + name);
    }
  }

  /** A change of one actor's behaviour, the VM's configuration as it is. */
  public DesignChange(String name, String description, String actor, Class<M> protocol,
      BiFunction<Behavior<M>, ActorSite, Behavior<M>> change) {
    this(name, description, actor, protocol, change, UnaryOperator.identity());
  }

  /** The change that leaves a behaviour as the model spawns it. */
  @SuppressWarnings("unchecked")
  public static <M> BiFunction<Behavior<M>, ActorSite, Behavior<M>> keep() {
    return (BiFunction<Behavior<M>, ActorSite, Behavior<M>>) (BiFunction<?, ?, ?>) KEEP;
  }

  /** Whether it changes some actor's behaviour (not only the configuration). */
  public boolean changesBehaviour() {
    return (Object) change != KEEP;
  }

  /**
   * An option that rewrites the messages {@code actor} receives: {@code rewrite} returns the message to handle
   * instead (the same one to leave it alone), or null to drop it.
   */
  public static <M> DesignChange<M> rewrite(String name, String description, String actor, Class<M> protocol,
      UnaryOperator<M> rewrite) {
    return new DesignChange<>(name, description, actor, protocol,
        (original, site) -> MessageRewrite.around(original, protocol, rewrite));
  }

  /** Whether this changes {@code actorName}. */
  public boolean appliesTo(String actorName) {
    return actor.endsWith("*") ? actorName.startsWith(actor.substring(0, actor.length() - 1))
        : actor.equals(actorName);
  }

  /** The change, if it is for this actor and protocol; otherwise the behaviour unchanged. */
  @SuppressWarnings("unchecked")
  <T> Behavior<T> applyTo(String actorName, Class<T> protocolOfActor, Behavior<T> behavior, ActorSite site) {
    if (!appliesTo(actorName)) return behavior;
    if (!protocol.isAssignableFrom(protocolOfActor)) {
      throw new IllegalArgumentException("design option " + name + ": actor " + actorName + " speaks "
          + protocolOfActor.getSimpleName() + ", not " + protocol.getSimpleName());
    }
    return (Behavior<T>) change.apply((Behavior<M>) behavior, site);
  }
}
