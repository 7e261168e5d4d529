package tdxsim.actors.gmem;

import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import tdxsim.actors.kvm.AwaitWire;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.KvmReply;

/**
 * guest_memfd of the VM's private memslot, named {@code guest-memfd}: owns the folios and the shareability
 * ({@link GmemFile}), answers kvm_gmem_get_pfn at any time (faults race with conversions; the mmu_invalidate_seq
 * protocol sorts it out), and runs the conversion and punch-hole ioctls one at a time (filemap_invalidate_lock)
 * as the ioctl context ({@link GmemIoctls}), including the KVM flows they call under mmu_lock.
 */
public final class GuestMemfd {
  public static final String NAME = "guest-memfd";
  /** Tag sender id of the ioctl context. */
  public static final int SENDER_ID = 2;

  private final KvmContext kvm;
  private final GmemFile file;
  private final GmemIoctls ioctls;
  /** Ioctls waiting for filemap_invalidate_lock. */
  private final ArrayDeque<GuestMemfdMsg> waiting = new ArrayDeque<>();
  private boolean invalidateLockHeld;

  private GuestMemfd(KvmConfig config, Monitor monitor) {
    this.kvm = new KvmContext(NAME, SENDER_ID, -1, config, monitor);
    this.file = new GmemFile(config.baseGfn(), config.pages(), monitor);
    this.ioctls = new GmemIoctls(kvm, file);
  }

  public static Behavior<GuestMemfdMsg> create(KvmConfig config, Monitor monitor) {
    return Behaviors.setup(ctx -> Behaviors.withStash(1024, stash -> new GuestMemfd(config, monitor).unwired(ctx, stash)));
  }

  private Behavior<GuestMemfdMsg> unwired(ActorContext<GuestMemfdMsg> ctx, StashBuffer<GuestMemfdMsg> stash) {
    return AwaitWire.stashUntil(GuestMemfdMsg.class, GuestMemfdMsg.Wire.class, stash, w -> {
      kvm.wire(w.peers(), ctx.getSelf().narrow());
      return running();
    });
  }

  private Behavior<GuestMemfdMsg> running() {
    return Behaviors.receive(GuestMemfdMsg.class)
        .onMessage(GuestMemfdMsg.TdRunnable.class, m -> {
          kvm.setTdRunnable();
          return Behaviors.same();
        })
        .onMessage(GuestMemfdMsg.NmiBurst.class, m -> {
          kvm.nmiBurst(m.count());
          return Behaviors.same();
        })
        .onMessage(GuestMemfdMsg.GetPfn.class, m -> {
          m.replyTo().tell(file.getPfn(m.gfn(), m.tag()));
          return Behaviors.same();
        })
        .onMessage(GuestMemfdMsg.FolioRef.class, m -> {
          file.folioRef(m.gfn(), m.pages(), Integer.signum(m.delta()));
          m.replyTo().tell(new KvmReply.FolioRefDone(m.tag()));
          return Behaviors.same();
        })
        .onMessage(GuestMemfdMsg.Convert.class, m -> {
          ioctl(m);
          return Behaviors.same();
        })
        .onMessage(GuestMemfdMsg.PunchHole.class, m -> {
          ioctl(m);
          return Behaviors.same();
        })
        .onMessage(KvmReply.class, r -> {
          kvm.dispatch(r);
          return Behaviors.same();
        })
        .build();
  }

  /** filemap_invalidate_lock: run now, or queue behind the ioctl that holds it. */
  private void ioctl(GuestMemfdMsg m) {
    if (invalidateLockHeld) {
      waiting.addLast(m);
      return;
    }
    invalidateLockHeld = true;
    if (m instanceof GuestMemfdMsg.Convert c) {
      ioctls.convert(c.start(), c.end(), c.toPrivate(), (ok, err) -> {
        c.replyTo().tell(new KvmReply.GmemIoctlDone(c.toPrivate() ? "convert-private" : "convert-shared", c.start(),
            c.end(), ok, err, c.tag()));
        unlockInvalidate();
      });
    } else {
      GuestMemfdMsg.PunchHole p = (GuestMemfdMsg.PunchHole) m;
      ioctls.punchHole(p.start(), p.end(), (ok, err) -> {
        p.replyTo().tell(new KvmReply.GmemIoctlDone("punch-hole", p.start(), p.end(), ok, err, p.tag()));
        unlockInvalidate();
      });
    }
  }

  private void unlockInvalidate() {
    invalidateLockHeld = false;
    if (!waiting.isEmpty()) ioctl(waiting.pollFirst());
  }
}
