package tdxsim.actors.kvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.Errno;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.MemslotsMsg;
import tdxsim.protocol.MemslotsMsg.SlotState;

/**
 * kvm->memslots and kvm->srcu, named {@code memslots} [LNX kvm_main.c]. Readers (vCPU threads in KVM code)
 * look gfns up inside their SRCU read-side sections. The VMM's KVM_SET_USER_MEMORY_REGION2 runs here as its own
 * KVM context ({@link SetMemslot}), as guest_memfd's ioctls run in the guest_memfd actor: its
 * kvm_swap_active_memslots publishes a new state of one memslot, and its synchronize_srcu_expedited ends once every
 * reader that entered its read-side section before the publish has left it. Readers that enter after the publish
 * see the new state and are not waited for.
 *
 * <p>The VMM's memslot layout has each deleted range as a memslot of its own; every other gfn of the
 * guest_memfd-backed region stays valid. Spawned only in worlds whose VMM deletes or moves memslots: elsewhere
 * every lookup would answer VALID and nothing synchronizes, so the read side would change no outcome.
 */
public final class Memslots extends AbstractBehavior<MemslotsMsg> {
  public static final String NAME = "memslots";
  public static final int SENDER_ID = 3;

  private record Pending(long startedAt, Runnable k) {
    Pending {
      assert startedAt >= 1 && k != null : "a synchronize_srcu waiter from time " + startedAt;
    }
  }

  private final KvmContext kvm;
  /** Changed memslots by start gfn: {end, state ordinal}. */
  private final Map<Long, long[]> slots = new LinkedHashMap<>();
  /** Readers inside a read-side section, by name: when the section began (logical time). */
  private final Map<String, Long> readers = new LinkedHashMap<>();
  private final List<Pending> syncs = new ArrayList<>();
  private long now;

  private Memslots(ActorContext<MemslotsMsg> ctx, KvmConfig config, Monitor monitor) {
    super(ctx);
    assert config != null && monitor != null : "memslots without a config";
    this.kvm = new KvmContext(NAME, SENDER_ID, -1, config, monitor);
  }

  public static Behavior<MemslotsMsg> create(KvmConfig config, Monitor monitor) {
    return AwaitWire.setup(MemslotsMsg.class, MemslotsMsg.Wire.class, ctx -> new Memslots(ctx, config, monitor),
        Memslots::wire);
  }

  private void wire(MemslotsMsg.Wire w) {
    assert w.peers() != null && w.peers().memslots() != null : "memslots wired into a world without them";
    kvm.wire(w.peers(), getContext().getSelf().narrow());
  }

  @Override
  public Receive<MemslotsMsg> createReceive() {
    return newReceiveBuilder()
        .onMessage(MemslotsMsg.GfnToMemslot.class, m -> {
          if (!readers.containsKey(m.reader())) {
            throw new IllegalStateException(m.reader() + ": kvm_vcpu_gfn_to_memslot outside srcu_read_lock");
          }
          assert m.gfn() >= 0 : m.reader() + ": kvm_vcpu_gfn_to_memslot of gfn " + m.gfn();
          m.replyTo().tell(new KvmReply.MemslotLookup(m.gfn(), lookup(m.gfn()), m.tag()));
          return this;
        })
        .onMessage(MemslotsMsg.SrcuReadLock.class, m -> {
          assert m.reader() != null : "an anonymous SRCU reader";
          if (readers.putIfAbsent(m.reader(), ++now) != null) {
            throw new IllegalStateException(m.reader() + ": srcu_read_lock nested in the model");
          }
          return this;
        })
        .onMessage(MemslotsMsg.SrcuReadUnlock.class, m -> {
          assert m.reader() != null : "an anonymous SRCU reader";
          if (readers.remove(m.reader()) == null) {
            throw new IllegalStateException(m.reader() + ": srcu_read_unlock without srcu_read_lock");
          }
          completeSyncs();
          return this;
        })
        .onMessage(MemslotsMsg.SetUserMemoryRegion.class, m -> {
          setUserMemoryRegion(m);
          return this;
        })
        .onMessage(KvmReply.class, r -> {
          kvm.dispatch(r);
          return this;
        })
        .onMessage(MemslotsMsg.Wire.class, w -> {
          throw new IllegalStateException(NAME + ": wired twice");
        })
        .build();
  }

  /** KVM_SET_USER_MEMORY_REGION2: delete a memslot (the VMM's layout), or refuse to move a guest_memfd one. */
  private void setUserMemoryRegion(MemslotsMsg.SetUserMemoryRegion m) {
    // learnt, not changed: kvm_set_memslot does not touch kvm_tdx->state, which TD_STATE_RUNNABLE reached at
    // KVM_TDX_FINALIZE_VM, before this VMM changes any memslot; no other message tells this context (one more
    // would change the model), so the request itself is how it learns the state
    kvm.setTdRunnable();
    assert kvm.held() == null && m.replyTo() != null : "KVM_SET_USER_MEMORY_REGION2 under mmu_lock";
    assert m.start() >= 0 && m.start() < m.end() : "KVM_SET_USER_MEMORY_REGION2 [" + m.start() + ", " + m.end() + ")";
    Runnable reply = () -> m.replyTo().tell(new KvmReply.MemslotUpdated(m.moveTo() < 0 ? null : Errno.EINVAL,
        m.tag()));
    if (m.moveTo() < 0) SetMemslot.delete(kvm, this::swapActiveMemslots, m.start(), m.end(), reply);
    else SetMemslot.move(kvm, m.start(), reply);
  }

  private SlotState lookup(long gfn) {
    assert gfn >= 0 : "a memslot lookup of the gfn " + gfn; // disjointness is checked where the map changes
    for (Map.Entry<Long, long[]> e : slots.entrySet()) {
      if (gfn >= e.getKey() && gfn < e.getValue()[0]) return SlotState.values()[(int) e.getValue()[1]];
    }
    return SlotState.VALID;
  }

  /** kvm_replace_memslot + kvm_swap_active_memslots: publish, then synchronize_srcu_expedited, then {@code k}. */
  private void swapActiveMemslots(long start, long end, SlotState state, Runnable k) {
    assert start < end && state != null && k != null : "kvm_swap_active_memslots of [" + start + ", " + end + ")";
    long[] old = slots.get(start);
    // kvm_invalidate_memslot publishes the INVALID copy before kvm_delete_memslot publishes no slot; slots_lock
    // serializes the ioctls, so no other change of the slot is in flight
    assert state != SlotState.NONE || old != null && old[0] == end && old[1] == SlotState.INVALID.ordinal()
        : "memslot [" + start + ", " + end + ") deleted without KVM_MEMSLOT_INVALID first";
    assert state != SlotState.INVALID || old == null || old[1] != SlotState.INVALID.ordinal()
        : "memslot [" + start + ", " + end + ") invalidated twice";
    slots.put(start, new long[] {end, state.ordinal()});
    assert slotsDisjoint() : "overlapping memslots " + slots.keySet();
    syncs.add(new Pending(++now, k));
    completeSyncs();
  }

  /** The changed memslots are disjoint, non-empty ranges with a known state. */
  private boolean slotsDisjoint() {
    for (Map.Entry<Long, long[]> e : slots.entrySet()) {
      assert e.getKey() < e.getValue()[0] : "an empty memslot at " + e.getKey();
      assert e.getValue()[1] >= 0 && e.getValue()[1] < SlotState.values().length : "slot state " + e.getValue()[1];
      for (Map.Entry<Long, long[]> o : slots.entrySet()) {
        assert o == e || o.getValue()[0] <= e.getKey() || e.getValue()[0] <= o.getKey() : "overlap at " + e.getKey();
      }
    }
    return true;
  }

  /** synchronize_srcu: a grace period ends once no reader that predates it is left. */
  private void completeSyncs() {
    assert readers.values().stream().allMatch(t -> t >= 1 && t <= now) : "a reader from the future: " + readers;
    List<Runnable> done = new ArrayList<>();
    syncs.removeIf(p -> {
      for (long since : readers.values()) if (since < p.startedAt()) return false;
      done.add(p.k());
      return true;
    });
    assert syncs.isEmpty() || !readers.isEmpty() : "synchronize_srcu waiting with no reader in a section";
    for (Runnable k : done) k.run();
  }
}
