package tdxsim.actors.kvm;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;

/**
 * The mmu_lock as one context holds it: the mode it holds (what lockdep knows of the task) and the split page
 * budget it owns while it holds the write lock. Acquire and release are paired by construction: a critical
 * section is {@link #locked}, whose body gets the one way out; {@link #relock} drops and retakes the lock inside
 * one.
 */
final class MmuLockHold {
  private final KvmContext ctx;
  /** The mmu_lock mode this context holds, or null. */
  private LockMode held;
  /** The VM's split page budget, owned by this context while it holds the write lock; -1 otherwise. */
  private int splitCacheFree = -1;

  MmuLockHold(KvmContext ctx) {
    assert ctx != null : "an mmu_lock holder without its context";
    this.ctx = ctx;
  }

  LockMode held() {
    return held;
  }

  /** The body runs with mmu_lock held in {@code mode}; its continuation unlocks once and runs {@code k}. */
  <R> void locked(LockMode mode, BiConsumer<KvmReply.MmuLockGranted, Consumer<R>> body, Consumer<R> k) {
    assert mode != null && body != null && k != null : ctx.name() + ": a critical section without a body";
    lock(mode, g -> body.accept(g, new Consumer<R>() {
      private boolean out;

      @Override
      public void accept(R r) {
        assert !out && held == mode : ctx.name() + ": left a " + mode + " section twice, or holding " + held;
        out = true;
        unlock();
        k.accept(r);
      }
    }));
  }

  void relock(Consumer<KvmReply.MmuLockGranted> k) {
    LockMode mode = held;
    if (mode == null) throw new IllegalStateException(ctx.name() + " drops mmu_lock it does not hold");
    unlock();
    lock(mode, k);
  }

  private void lock(LockMode mode, Consumer<KvmReply.MmuLockGranted> k) {
    if (held != null) throw new IllegalStateException(ctx.name() + " already holds mmu_lock " + held);
    ctx.request(KvmReply.MmuLockGranted.class, g -> {
      assert held == null && g.mode() == mode
          : ctx.name() + ": asked " + mode + ", granted " + g.mode() + " over " + held;
      held = g.mode();
      if (g.mode() == LockMode.EXCLUSIVE) splitCacheFree = g.splitCacheFree();
      assert invariant();
      k.accept(g);
    }, tag -> ctx.peers().mmuLock().tell(new MmuLockMsg.Acquire(ctx.name(), mode, ctx.self(), tag)));
  }

  private void unlock() {
    if (held == null) throw new IllegalStateException(ctx.name() + " releases mmu_lock it does not hold");
    assert held == LockMode.SHARED || splitCacheFree >= 0 : ctx.name() + ": split cache " + splitCacheFree;
    LockMode m = held;
    int cache = m == LockMode.EXCLUSIVE ? splitCacheFree : -1;
    held = null;
    splitCacheFree = -1;
    assert invariant();
    ctx.peers().mmuLock().tell(new MmuLockMsg.Release(ctx.name(), m, cache));
  }

  /** Take one split's pages from the budget; false = nothing left (-ENOMEM). Write lock held. */
  boolean takeSplitCachePage() {
    assert held == LockMode.EXCLUSIVE && splitCacheFree >= 0 : ctx.name() + ": split cache " + splitCacheFree;
    if (splitCacheFree == 0) return false;
    splitCacheFree--;
    assert invariant();
    return true;
  }

  /** An unused sp's pages go back to the budget. Write lock held. */
  void returnSplitCachePage() {
    assert held == LockMode.EXCLUSIVE && splitCacheFree >= 0
        : ctx.name() + ": the write lock's holder owns the split cache, not " + splitCacheFree;
    splitCacheFree++;
    assert invariant();
  }

  /** The split page budget is this context's exactly while it holds the write lock (-1 otherwise). */
  private boolean invariant() {
    assert held == LockMode.EXCLUSIVE ? splitCacheFree >= 0 : splitCacheFree == -1
        : ctx.name() + ": split cache " + splitCacheFree + " while holding " + held;
    return true;
  }
}
