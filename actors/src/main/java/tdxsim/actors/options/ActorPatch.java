package tdxsim.actors.options;

import org.apache.pekko.actor.typed.Behavior;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.vm.VmConfig;

/**
 * A change of actors' behaviours made from outside the model: how a user's design option (a plugin, see
 * {@code tdxsim.stress.ext}) replaces or wraps one actor of a VM. {@link tdxsim.actors.vm.Vm#create(VmConfig,
 * Monitor, ActorPatch)} passes every actor it spawns through it, by its deterministic name ({@code mmu-lock},
 * {@code vcpu-0}, {@code tdx-module}, ...) and its protocol; the patch returns the behaviour to spawn instead (or the
 * same one). The built-in options ({@link DesignOption}) are flags the actors read; a patch is for options the
 * model does not know.
 */
public interface ActorPatch {
  /** No change. */
  ActorPatch NONE = new ActorPatch() {
    @Override
    public <M> Behavior<M> apply(String actor, Class<M> protocol, Behavior<M> behavior, VmConfig config,
        Monitor monitor) {
      assert actor != null : "ActorPatch.NONE.apply of " + actor;
      assert protocol != null : "ActorPatch.NONE.apply of " + actor;
      assert behavior != null : "ActorPatch.NONE.apply of " + actor;
      return behavior;
    }
  };

  /**
   * @param actor the actor's name in the VM
   * @param protocol its message type ({@code tdxsim.protocol.MmuLockMsg}, ...)
   * @param behavior what the model would spawn
   * @param config the VM
   * @param monitor where the actor reports its observations
   * @return the behaviour to spawn
   */
  <M> Behavior<M> apply(String actor, Class<M> protocol, Behavior<M> behavior, VmConfig config, Monitor monitor);
}
