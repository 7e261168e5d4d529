/**
 * Extension points open to users: plugins ({@link tdxsim.stress.ext.TdxSimPlugin}, found by
 * {@link java.util.ServiceLoader} or put in effect from a test) add invariants over the observation records
 * ({@link tdxsim.stress.ext.UserInvariant}; docs/observations.md, {@link tdxsim.actors.monitor.ObservationApi}) and
 * design options that change one actor's behaviour ({@link tdxsim.stress.ext.DesignChange}, applied by the VM root
 * through {@link tdxsim.actors.options.ActorPatch}). {@link tdxsim.stress.ext.Extensions} is the one registry the
 * command line and the JUnit extension share; a scenario carries the plugins in effect and the options switched on,
 * and a trace names every plugin ({@code plugin:NAME@VERSION}), so that replay refuses it without them.
 *
 * <p>The built-in design options ({@link tdxsim.actors.options.DesignOption}) and invariants stay the model's own
 * (flags the actors read, and the invariant checker); names are looked up among them first, and a plugin may not
 * reuse one.
 */
package tdxsim.stress.ext;
