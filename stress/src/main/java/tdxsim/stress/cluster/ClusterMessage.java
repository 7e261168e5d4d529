package tdxsim.stress.cluster;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages between a cluster's coordinator ({@link Coordinator}) and its worker nodes ({@link WorkerNode}).
 * The range protocol: a worker node registers its slots (one deterministic system each); each slot asks for a
 * range ({@link Want}), runs it and sends back its outcome ({@link Done}, which asks for the next one); the
 * coordinator hands ranges out lowest first ({@link tdxsim.stress.workers.RangeBook}), tells every node the lowest
 * violating index it knows ({@link Lowest}), and hands the ranges of a node that left to the others. What a range
 * is and what it reports is the job's ({@link ClusterJob}): explore's ranges of schedule indices today, hunt's
 * ranges of world indices by the same protocol. The records here cross the network, as JSON
 * ({@link ClusterSerializer}); the coordinator's and the node's own timer and membership messages never do.
 */
public sealed interface ClusterMessage {
  /** To the coordinator. */
  sealed interface ToCoordinator extends ClusterMessage {}

  /** To a worker node. */
  sealed interface ToWorker extends ClusterMessage {}

  /** A node joined and offers {@code slots} deterministic systems; {@code node} names it in messages. */
  record Register(ActorRef<ToWorker> worker, String node, int slots) implements ToCoordinator {}

  /** Slot {@code slot} of {@code worker} is free. */
  record Want(ActorRef<ToWorker> worker, int slot) implements ToCoordinator {}

  /**
   * Slot {@code slot} ran range {@code range} in {@code runNanos}: its outcome in the job's encoding, packed
   * ({@link Packed}); the slot is free again.
   */
  record Done(ActorRef<ToWorker> worker, int slot, long range, String outcome, long runNanos)
      implements ToCoordinator {}

  /** A slot of {@code worker} failed (a bug, not a verdict): the run ends with {@code reason}. */
  record Failed(ActorRef<ToWorker> worker, String reason) implements ToCoordinator {}

  /** The run: what job and with which spec ({@link ClusterJob#spec()}), and whom to answer. */
  record Start(String kind, String spec, ActorRef<ToCoordinator> coordinator) implements ToWorker {}

  /** Run indices {@code from..to-1}, range {@code range}, on slot {@code slot}. */
  record Assign(int slot, long range, long from, long to) implements ToWorker {}

  /** No index above {@code index} is wanted any more (a violation is known there). */
  record Lowest(long index) implements ToWorker {}

  /** Stop at the next index (time limit, Ctrl-C): the ranges out come back cut short. */
  record Stop() implements ToWorker {}

  /** The run is over: the node leaves. */
  record Finish(String why) implements ToWorker {}

  // Local only (timers, membership): never sent to another node.

  /** The coordinator's second: progress, time limit, Ctrl-C. */
  record Tick() implements ToCoordinator {}

  /**
   * A node stopped answering (the failure detector): the coordinator downs it; a worker node whose coordinator it
   * is gives the run up.
   */
  record Unreachable(org.apache.pekko.actor.Address node) implements ToCoordinator, ToWorker {}

  /** A worker node left the cluster (downed, killed, or done): its ranges out are handed to others. */
  record Gone(ActorRef<ToWorker> worker) implements ToCoordinator {}

  /** This worker node is a member of the cluster (admitted): it registers with the coordinator. */
  record SelfUp() implements ToWorker {}

  /** The coordinator left the cluster before it said the run was over. */
  record CoordinatorGone() implements ToWorker {}
}
