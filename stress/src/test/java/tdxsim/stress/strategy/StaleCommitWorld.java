package tdxsim.stress.strategy;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Fnv;
import tdxsim.stress.runtime.World;

/**
 * R5's shape without the model: a flow reads a version of one gfn from a store and commits it in a second step;
 * the VMM invalidates that gfn once. The commit is stale only if the invalidation is delivered between the
 * flow's read and its commit: two steps of one chain out of {@code vcpus * rounds * 3} deliveries, the rest of
 * them reads and commits of other gfns (noise on other 2M ranges). vCPU 0's last round is the one on the
 * invalidated gfn, as vcpu-6's prefetch of r9 is its third op in {@code default}.
 */
final class StaleCommitWorld implements World {
  static final long HOT = 9 * 512;

  sealed interface StoreMsg {}

  record Get(long gfn, ActorRef<VcpuMsg> replyTo) implements StoreMsg {}

  record Commit(long gfn, long version) implements StoreMsg {}

  record Invalidate(long gfn) implements StoreMsg {}

  sealed interface VcpuMsg {}

  record Run() implements VcpuMsg {}

  record Value(long gfn, long version) implements VcpuMsg {}

  private final int vcpus;
  private final int rounds;
  private long version;
  private boolean stale;
  private int commits;

  StaleCommitWorld(int vcpus, int rounds) {
    this.vcpus = vcpus;
    this.rounds = rounds;
  }

  @Override
  public Behavior<?> root() {
    return Behaviors.setup(ctx -> {
      ActorRef<StoreMsg> store = ctx.spawn(store(), "store");
      for (int v = 0; v < vcpus; v++) ctx.spawn(vcpu(store, v), "vcpu-" + v).tell(new Run());
      ctx.spawn(vmm(store), "vmm").tell("start");
      return Behaviors.empty();
    });
  }

  private Behavior<String> vmm(ActorRef<StoreMsg> store) {
    return Behaviors.receiveMessage(m -> {
      store.tell(new Invalidate(HOT));
      return Behaviors.same();
    });
  }

  private Behavior<StoreMsg> store() {
    return Behaviors.receiveMessage(m -> {
      if (m instanceof Get g) {
        g.replyTo().tell(new Value(g.gfn(), g.gfn() == HOT ? version : 0));
      } else if (m instanceof Commit c) {
        commits++;
        if (c.gfn() == HOT && c.version() != version) stale = true;
      } else if (m instanceof Invalidate) {
        version++;
      }
      return Behaviors.same();
    });
  }

  /** Rounds of read-then-commit on gfns of the vCPU's own 2M range; vCPU 0's last round is on {@link #HOT}. */
  private Behavior<VcpuMsg> vcpu(ActorRef<StoreMsg> store, int v) {
    return Behaviors.setup(ctx -> {
      int[] done = {0};
      return Behaviors.receiveMessage(m -> {
        if (m instanceof Value val) {
          store.tell(new Commit(val.gfn(), val.version()));
          done[0]++;
        }
        if (done[0] < rounds) {
          long gfn = v == 0 && done[0] == rounds - 1 ? HOT : 512L * (20 + v) + done[0];
          store.tell(new Get(gfn, ctx.getSelf()));
        }
        return Behaviors.same();
      });
    });
  }

  @Override
  public Optional<Violation> check() {
    return stale ? Optional.of(Violation.of("store.stale-commit", "a commit of gfn " + HOT + " read before its "
        + "invalidation")) : Optional.empty();
  }

  @Override
  public Optional<Violation> atQuiescence() {
    return commits == vcpus * rounds ? Optional.empty()
        : Optional.of(Violation.of("vcpus.unfinished", commits + " of " + vcpus * rounds + " commits"));
  }

  @Override
  public long stateHash() {
    return Fnv.mix(Fnv.mix(Fnv.OFFSET, version), commits);
  }
}
