package tdxsim.stress.ext;

import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.vm.VmConfig;

/**
 * Where a design option's behaviour runs: the actor's name, its VM and its monitor (a replacement actor reports its
 * state changes there, as the model's actors do, so that the invariants see them).
 */
public record ActorSite(String actor, VmConfig config, Monitor monitor) {}
