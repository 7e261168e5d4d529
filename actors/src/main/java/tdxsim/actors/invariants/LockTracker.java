package tdxsim.actors.invariants;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tdxsim.protocol.LockMode;

/**
 * kvm->mmu_lock as the observations describe it: the exclusive holder, the shared holders (by actor name, with
 * a count for recursive read locks) and the waiters. Checks rwlock exclusion and the starvation bound for
 * exclusive waiters ([LNX tdp_mmu.c]; qrwlock is fair to writers, so a writer bypassed without bound means the
 * model's lock or its users are wrong).
 */
final class LockTracker {
  private static final class Waiter {
    final LockMode mode;
    int bypassed;
    boolean reported;

    Waiter(LockMode mode) {
      this.mode = mode;
      assert mode != null : "a waiter for no lock mode";
    }
  }

  private String exclusive;
  private final Map<String, Integer> shared = new LinkedHashMap<>();
  private final Map<String, Waiter> waiters = new LinkedHashMap<>();
  private final Violations v;
  private final Bounds bounds;

  LockTracker(Violations v, Bounds bounds) {
    this.v = v;
    this.bounds = bounds;
    assert v != null : "a lock tracker without its sink or bounds";
    assert bounds != null : "a lock tracker without its sink or bounds";
  }

  boolean exclusiveHeld() {
    assert exclusive == null || !exclusive.isEmpty() : "an exclusive holder with no name";
    return exclusive != null;
  }

  String exclusiveOwner() {
    return exclusive;
  }

  void waiting(String owner, LockMode mode) {
    assert owner != null : owner + " waiting for mmu_lock " + mode;
    assert mode != null : owner + " waiting for mmu_lock " + mode;
    waiters.put(owner, new Waiter(mode));
    assert waiters.get(owner).bypassed == 0 : owner + "'s wait began with bypasses counted";
  }

  void changed(String owner, LockMode mode, boolean acquired) {
    assert owner != null : "mmu_lock " + mode + " changed by " + owner;
    assert mode != null : "mmu_lock " + mode + " changed by " + owner;
    if (acquired) {
      waiters.remove(owner);
      if (exclusive != null || (mode == LockMode.EXCLUSIVE && !shared.isEmpty())) {
        v.report(Invariant.MMU_LOCK_EXCLUSION, owner + " acquired mmu_lock " + mode + " while "
            + holders() + " held it", List.of(owner));
      }
      if (mode == LockMode.EXCLUSIVE) exclusive = owner;
      else shared.merge(owner, 1, Integer::sum);
      assert mode != LockMode.EXCLUSIVE || owner.equals(exclusive) : owner + " acquired but " + exclusive + " holds";
      assert !waiters.containsKey(owner) : owner + " still waiting after it acquired mmu_lock";
      assert mode == LockMode.EXCLUSIVE || shared.get(owner) > 0 : owner + ": shared count not positive";
      for (Map.Entry<String, Waiter> w : waiters.entrySet()) {
        Waiter wt = w.getValue();
        if (wt.mode != LockMode.EXCLUSIVE) continue;
        if (++wt.bypassed > bounds.lockBypasses() && !wt.reported) {
          wt.reported = true;
          v.report(Invariant.LIVENESS_LOCK_STARVATION, w.getKey() + " waited for the exclusive mmu_lock while "
              + wt.bypassed + " acquisitions went ahead (bound " + bounds.lockBypasses() + ")",
              List.of(w.getKey(), owner));
        }
      }
      return;
    }
    if (mode == LockMode.EXCLUSIVE) {
      if (!owner.equals(exclusive)) {
        v.report(Invariant.MMU_LOCK_EXCLUSION, owner + " released the exclusive mmu_lock held by " + exclusive,
            List.of(owner));
      }
      exclusive = null;
      assert exclusive == null : "the exclusive mmu_lock still held after its release";
    } else {
      Integer n = shared.get(owner);
      assert n == null || n > 0 : owner + " held the shared mmu_lock " + n + " times";
      if (n == null) {
        v.report(Invariant.MMU_LOCK_EXCLUSION, owner + " released a shared mmu_lock it does not hold",
            List.of(owner));
      } else if (n == 1) {
        shared.remove(owner);
        assert !shared.containsKey(owner) : owner + " still holds the shared lock after its last release";
      } else {
        shared.put(owner, n - 1);
        assert shared.get(owner) == n - 1 : owner + " holds the shared lock " + shared.get(owner) + " times";
        assert n - 1 > 0 : owner + " holds the shared lock " + shared.get(owner) + " times";
      }
    }
  }

  /** Holders and waiters, for the quiescence check ("nobody holds or waits"). */
  List<String> holdersAndWaiters() {
    List<String> out = new ArrayList<>();
    if (exclusive != null) out.add(exclusive + " (exclusive)");
    for (String s : shared.keySet()) out.add(s + " (shared)");
    for (Map.Entry<String, Waiter> w : waiters.entrySet()) out.add(w.getKey() + " (waiting " + w.getValue().mode + ")");
    assert out.size() == (exclusive == null ? 0 : 1) + shared.size() + waiters.size() : "holders " + out;
    return out;
  }

  /** Current shared holders, in acquisition order. */
  List<String> sharedHolders() {
    assert !shared.containsKey(null) : "a shared holder with no name";
    return List.copyOf(shared.keySet());
  }

  String holders() {
    List<String> h = new ArrayList<>();
    if (exclusive != null) h.add(exclusive + " (exclusive)");
    h.addAll(shared.keySet());
    return String.join(", ", h);
  }

  void hash(StateHasher h) {
    assert h != null : "hash into no hasher";
    h.str(exclusive == null ? "" : exclusive);
    for (Map.Entry<String, Integer> s : shared.entrySet()) {
      h.str(s.getKey());
      h.add(s.getValue());
    }
  }
}
