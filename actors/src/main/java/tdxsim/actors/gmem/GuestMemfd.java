package tdxsim.actors.gmem;

import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.kvm.AwaitWire;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.KvmReply;

/**
 * guest_memfd of the VM's private memslot, named {@code guest-memfd}: owns the folios and the shareability
 * ({@link GmemFile}), runs the conversion and punch-hole ioctls one at a time under filemap_invalidate_lock (write)
 * as the ioctl context ({@link GmemIoctls}), including the KVM flows they call under mmu_lock, and answers
 * kvm_gmem_get_pfn under filemap_invalidate_lock_shared: at once, or once the ioctl holding it is done.
 */
public final class GuestMemfd extends AbstractBehavior<GuestMemfdMsg> {
  public static final String NAME = "guest-memfd";
  /** Tag sender id of the ioctl context. */
  public static final int SENDER_ID = 2;

  private final KvmContext kvm;
  private final GmemFile file;
  private final GmemIoctls ioctls;
  /** Conversions through the VM-attribute path (slots_lock, not filemap_invalidate_lock). */
  private final VmAttributes vmAttributes;
  /**
   * Waiting for filemap_invalidate_lock, FIFO as in the rwsem: ioctls (write) and kvm_gmem_get_pfn calls (read,
   * each with the attribute its caller read locklessly before it blocked).
   */
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean invalidateLockHeld;
  /** The running ioctl holds filemap_invalidate_lock (a VM-attribute conversion holds only slots_lock). */
  private boolean readersBlocked;

  /** A kvm_gmem_get_pfn blocked on filemap_invalidate_lock_shared, with the caller's earlier attribute read. */
  private record BlockedGetPfn(GuestMemfdMsg.GetPfn call, boolean isPrivate) {}

  private GuestMemfd(ActorContext<GuestMemfdMsg> ctx, KvmConfig config, Monitor monitor) {
    super(ctx);
    this.kvm = new KvmContext(NAME, SENDER_ID, -1, config, monitor);
    this.file = new GmemFile(config.baseGfn(), config.pages(), monitor);
    this.ioctls = new GmemIoctls(kvm, file);
    this.vmAttributes = config.has(DesignOption.VM_ATTRIBUTES) ? new VmAttributes(kvm, file) : null;
    assert invariant();
  }

  /**
   * filemap_invalidate_lock as an rwsem: readers are blocked only while a writer holds it, and a queue forms only
   * behind a holder (an unlock serves the queue until it is empty or a writer has the lock again).
   */
  private boolean invariant() {
    assert !readersBlocked || invalidateLockHeld : "kvm_gmem_get_pfn blocked with filemap_invalidate_lock free";
    assert waiting.isEmpty() || invalidateLockHeld : "waiters queued behind nobody: " + waiting.size();
    assert kvm.held() == null || invalidateLockHeld : "the ioctl context holds mmu_lock outside an ioctl";
    return true;
  }

  public static Behavior<GuestMemfdMsg> create(KvmConfig config, Monitor monitor) {
    assert config != null && monitor != null : "guest_memfd without a config";
    return AwaitWire.setup(GuestMemfdMsg.class, GuestMemfdMsg.Wire.class, ctx -> new GuestMemfd(ctx, config, monitor),
        GuestMemfd::wire);
  }

  private void wire(GuestMemfdMsg.Wire w) {
    assert w.peers() != null : "guest_memfd wired without peers";
    kvm.wire(w.peers(), getContext().getSelf().narrow());
  }

  @Override
  public Receive<GuestMemfdMsg> createReceive() {
    return newReceiveBuilder()
        .onMessage(GuestMemfdMsg.TdRunnable.class, m -> {
          assert !kvm.tdRunnable() : "KVM_TDX_FINALIZE_VM twice";
          kvm.setTdRunnable();
          return this;
        })
        .onMessage(GuestMemfdMsg.NmiBurst.class, m -> {
          assert m.count() > 0 : "an empty NMI burst";
          kvm.nmiBurst(m.count());
          return this;
        })
        .onMessage(GuestMemfdMsg.GetPfn.class, m -> {
          getPfn(m);
          return this;
        })
        .onMessage(GuestMemfdMsg.FolioRef.class, m -> {
          assert m.delta() != 0 && Math.abs((long) m.delta()) == m.pages() : "folio_ref_add/put_refs of " + m;
          file.folioRef(m.gfn(), m.pages(), Integer.signum(m.delta()));
          m.replyTo().tell(new KvmReply.FolioRefDone(m.tag()));
          return this;
        })
        .onMessage(GuestMemfdMsg.Convert.class, m -> {
          ioctl(m);
          return this;
        })
        .onMessage(GuestMemfdMsg.PunchHole.class, m -> {
          ioctl(m);
          return this;
        })
        .onMessage(KvmReply.class, r -> {
          kvm.dispatch(r);
          return this;
        })
        .onMessage(GuestMemfdMsg.Wire.class, w -> {
          throw new IllegalStateException(NAME + ": wired twice");
        })
        .build();
  }

  /**
   * kvm_mmu_faultin_pfn reads kvm_mem_is_private (kvm_gmem_get_memory_attributes: lockless, "the caller _must_
   * protect consumption of private vs. shared by checking mmu_invalidate_retry_gfn()"), then kvm_gmem_get_pfn
   * takes filemap_invalidate_lock_shared: blocked while a conversion or punch hole holds it for write, it answers
   * with the folio as it is once the ioctl is done and the attribute as it was read before [GMEM-BASE].
   */
  private void getPfn(GuestMemfdMsg.GetPfn m) {
    assert invariant() && m.replyTo() != null : "kvm_gmem_get_pfn without a caller";
    boolean isPrivate = file.contains(m.gfn()) && file.isPrivate(m.gfn());
    if (readersBlocked || !waiting.isEmpty()) {
      waiting.addLast(new BlockedGetPfn(m, isPrivate));
      return;
    }
    m.replyTo().tell(file.getPfn(m.gfn(), isPrivate, m.tag()));
  }

  /** filemap_invalidate_lock: run now, or queue behind the holder. */
  private void ioctl(GuestMemfdMsg m) {
    if (invalidateLockHeld) {
      waiting.addLast(m);
      return;
    }
    assert !readersBlocked : "kvm_gmem_get_pfn callers blocked while nobody holds filemap_invalidate_lock";
    assert m instanceof GuestMemfdMsg.Convert || m instanceof GuestMemfdMsg.PunchHole : "not an ioctl: " + m;
    invalidateLockHeld = true;
    readersBlocked = !(m instanceof GuestMemfdMsg.Convert && vmAttributes != null);
    assert invariant();
    if (m instanceof GuestMemfdMsg.Convert c) {
      GmemIoctls.Done reply = (ok, err) -> {
        c.replyTo().tell(new KvmReply.GmemIoctlDone(c.toPrivate() ? "convert-private" : "convert-shared", c.start(),
            c.end(), ok, err, c.tag()));
        unlockInvalidate();
      };
      if (vmAttributes != null) {
        vmAttributes.convert(c.start(), c.end(), c.toPrivate(), reply);
      } else {
        ioctls.convert(c.start(), c.end(), c.toPrivate(), reply);
      }
    } else {
      GuestMemfdMsg.PunchHole p = (GuestMemfdMsg.PunchHole) m;
      ioctls.punchHole(p.start(), p.end(), (ok, err) -> {
        p.replyTo().tell(new KvmReply.GmemIoctlDone("punch-hole", p.start(), p.end(), ok, err, p.tag()));
        unlockInvalidate();
      });
    }
  }

  /** filemap_invalidate_unlock: the readers at the head of the queue go, then the next writer takes it. */
  private void unlockInvalidate() {
    assert invalidateLockHeld : "filemap_invalidate_unlock without holding it";
    assert kvm.held() == null : "filemap_invalidate_unlock with mmu_lock still held: " + kvm.held();
    invalidateLockHeld = false;
    readersBlocked = false;
    while (!waiting.isEmpty() && !invalidateLockHeld) {
      Object next = waiting.pollFirst();
      if (next instanceof BlockedGetPfn b) {
        b.call().replyTo().tell(file.getPfn(b.call().gfn(), b.isPrivate(), b.call().tag()));
      } else {
        ioctl((GuestMemfdMsg) next);
      }
    }
    assert invariant();
  }
}
