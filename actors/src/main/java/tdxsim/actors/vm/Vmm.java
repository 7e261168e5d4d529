package tdxsim.actors.vm;

import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.kvm.AwaitWire;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.TdTeardown;
import tdxsim.actors.kvm.TdxMappingLevel;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.mmu.TdpMmuMap;
import tdxsim.actors.monitor.MemslotObservation;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.InvalidationUserMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.PfResult;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.MemslotsMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;
import tdxsim.protocol.VmmMsg;

/**
 * The userspace VMM, named {@code vmm}, and the KVM ioctls it runs on its own thread:
 * <ul>
 *   <li>build: KVM_TDX_INIT_MEM_REGION for each initial page (kvm_gmem_populate → tdx_gmem_post_populate →
 *       kvm_tdp_mmu_map_private_pfn: a 4K mapping under the read lock, added with TDH.MEM.PAGE.ADD since the TD is
 *       not RUNNABLE), then KVM_TDX_FINALIZE_VM (TDH.MR.FINALIZE); then the vCPUs run;</li>
 *   <li>KVM_EXIT_HYPERCALL(MapGPA) from a vCPU: convert the range in guest_memfd, map a now-shared range into the
 *       userspace and IOMMU users, complete the hypercall;</li>
 *   <li>KVM_EXIT_MEMORY_FAULT from a vCPU: the implicit conversion (QEMU's kvm_convert_memory), then KVM_RUN
 *       again;</li>
 *   <li>its own actions (punch hole, conversions, NMI bursts, the TD's destroy), one after the other.</li>
 * </ul>
 */
public final class Vmm extends AbstractBehavior<VmmMsg> {
  public static final String NAME = "vmm";
  public static final int SENDER_ID = 1;

  private final VmConfig config;
  private final KvmContext kvm;
  /** Memslots this VMM deleted, [start, end). */
  private final List<long[]> deleted = new java.util.ArrayList<>();

  private Vmm(ActorContext<VmmMsg> ctx, VmConfig config, Monitor monitor) {
    super(ctx);
    assert config != null && monitor != null : "a VMM without a config";
    this.config = config;
    this.kvm = new KvmContext(NAME, SENDER_ID, -1, config.kvmConfig(), monitor);
  }

  public static Behavior<VmmMsg> create(VmConfig config, Monitor monitor) {
    return AwaitWire.setup(VmmMsg.class, VmmMsg.Wire.class, ctx -> new Vmm(ctx, config, monitor), Vmm::wire);
  }

  private void wire(VmmMsg.Wire w) {
    assert w.peers() != null && w.peers().guestMemfd() != null : "the VMM wired without guest_memfd";
    kvm.wire(w.peers(), getContext().getSelf().narrow());
  }

  @Override
  public Receive<VmmMsg> createReceive() {
    return newReceiveBuilder()
        .onMessage(VmmMsg.Start.class, m -> {
          assert !kvm.tdRunnable() && kvm.idle() : "the VMM started twice";
          build(0);
          return this;
        })
        .onMessage(VmmMsg.MapGpaExit.class, m -> {
          onMapGpa(m);
          return this;
        })
        .onMessage(VmmMsg.MemoryFaultExit.class, m -> {
          onMemoryFault(m);
          return this;
        })
        .onMessage(KvmReply.class, r -> {
          kvm.dispatch(r);
          return this;
        })
        .onMessage(VmmMsg.Wire.class, w -> {
          throw new IllegalStateException(NAME + ": wired twice");
        })
        .build();
  }

  // ------------------------------------------------------------------------------------------ build time

  private void build(int i) {
    List<Long> pages = config.buildPages();
    // kvm_tdx_init_mem_region: -EINVAL once the TD is RUNNABLE; the VMM populates only before FINALIZE_VM
    assert !kvm.tdRunnable() && i <= pages.size() : "KVM_TDX_INIT_MEM_REGION of page " + i + " after FINALIZE_VM";
    if (i == pages.size()) {
      finalizeVm();
      return;
    }
    long gfn = pages.get(i);
    kvm.getPfn(gfn, pfn -> { // kvm_gmem_populate
      assert pfn.gfn() == gfn : "kvm_gmem_populate of " + gfn + " answered for " + pfn.gfn();
      if (!pfn.ok()) {
        kvm.flow(Flow.INIT_MEM_REGION_FAILED, gfn, Level.PG_LEVEL_4K);
        build(i + 1);
        return;
      }
      assert pfn.pfn() >= 0 && pfn.maxLevel() != null : "kvm_gmem_populate of " + gfn + " without a folio: " + pfn;
      // fault->max_level: the folio's order, clamped by the private_max_mapping_level hook (4K at build time)
      Level max = TdxMappingLevel.privateMaxMappingLevel(kvm);
      if (pfn.maxLevel().ordinal() < max.ordinal()) max = pfn.maxLevel();
      mapPrivatePfn(gfn, pfn.pfn(), max, () -> build(i + 1));
    });
  }

  /**
   * tdx_gmem_post_populate → kvm_tdp_map_page: the private mapping of an initial page, under the read lock,
   * retried while RET_PF_RETRY. Its max level comes from the private_max_mapping_level hook, which says 4K until
   * TD_STATE_RUNNABLE [P1-09] (later kernels hard-code 4K in kvm_tdp_mmu_map_private_pfn); the mapping is added
   * with TDH.MEM.PAGE.ADD.
   */
  private void mapPrivatePfn(long gfn, long pfn, Level maxLevel, Runnable done) {
    assert !kvm.tdRunnable() && kvm.held() == null : "KVM_TDX_INIT_MEM_REGION after FINALIZE or under mmu_lock";
    kvm.<PfResult>locked(LockMode.SHARED, (g, out) -> new TdpMmuMap(kvm, gfn, pfn, maxLevel, null).run(r -> {
      kvm.assertLocked("kvm_tdp_mmu_map_private_pfn"); // read_lock(&kvm->mmu_lock) around kvm_tdp_map_page
      assert kvm.held() == LockMode.SHARED : "lockdep_assert_held_read(&kvm->mmu_lock): " + kvm.held();
      out.accept(r);
    }), r -> {
      if (PfResult.isRetry(r) && !kvm.vmDead()) {
        mapPrivatePfn(gfn, pfn, maxLevel, done);
        return;
      }
      if (PfResult.isError(r)) kvm.flow(Flow.INIT_MEM_REGION_FAILED, gfn, Level.PG_LEVEL_4K);
      done.run();
    });
  }

  /** KVM_TDX_FINALIZE_VM: TDH.MR.FINALIZE, then kvm_tdx->state = TD_STATE_RUNNABLE; start the vCPUs. */
  private void finalizeVm() {
    assert !kvm.tdRunnable() && kvm.held() == null : "KVM_TDX_FINALIZE_VM twice, or under mmu_lock";
    kvm.seamcall(TdxModuleMsg.TdhMrFinalize::new, r -> {
      assert r.leaf() == SeamcallLeaf.TDH_MR_FINALIZE : r;
      if (!r.status().isSuccess()) {
        kvm.bugOn("KVM_TDX_FINALIZE_VM: TDH.MR.FINALIZE", r.status().name(), 0);
        return;
      }
      kvm.setTdRunnable();
      assert kvm.idle() : "KVM_TDX_FINALIZE_VM returns with a request still in flight";
      assert kvm.tdRunnable() && kvm.held() == null : "TD_STATE_RUNNABLE after TDH.MR.FINALIZE";
      kvm.peers().guestMemfd().tell(new GuestMemfdMsg.TdRunnable());
      for (var v : kvm.peers().vcpus()) v.tell(new VcpuMsg.RunWorkload());
      runAction(0);
    });
  }

  // ------------------------------------------------------------------------------------------ runtime

  private void onMapGpa(VmmMsg.MapGpaExit m) {
    assert m.start() < m.end() && m.end() - m.start() <= Level.PG_LEVEL_2M.pages()
        : "KVM_HC_MAP_GPA_RANGE exit for [" + m.start() + ", " + m.end() + "): empty or over TDX_MAP_GPA_MAX_LEN";
    // KVM_RUN answers -EINVAL before TD_STATE_RUNNABLE (tdx_vcpu_pre_run), so no exit precedes FINALIZE_VM
    assert kvm.tdRunnable() && m.replyTo() != null : "KVM_HC_MAP_GPA_RANGE exit before KVM_TDX_FINALIZE_VM: " + m;
    assert m.vcpu() >= 0 && m.vcpu() < kvm.peers().vcpus().size() : "KVM_HC_MAP_GPA_RANGE exit of no vCPU: " + m;
    convert(m.start(), m.end(), !m.toShared(), ok -> m.replyTo().tell(new KvmReply.MapGpaDone(ok,
        ok ? null : "TDVMCALL_STATUS_INVALID_OPERAND", m.tag())));
  }

  /** KVM_EXIT_MEMORY_FAULT: QEMU's kvm_convert_memory, unless no memslot covers the gfn. */
  private void onMemoryFault(VmmMsg.MemoryFaultExit m) {
    assert m.gfn() >= 0 && m.pages() >= 1 : "KVM_EXIT_MEMORY_FAULT of " + m.pages() + " pages at " + m.gfn();
    assert kvm.tdRunnable() && m.replyTo() != null : "KVM_EXIT_MEMORY_FAULT before KVM_TDX_FINALIZE_VM: " + m;
    assert m.vcpu() >= 0 && m.vcpu() < kvm.peers().vcpus().size() : "KVM_EXIT_MEMORY_FAULT of no vCPU: " + m;
    if (inDeletedMemslot(m.gfn())) { // no memory region: nothing to convert, the vCPU stops
      kvm.observe(new MemslotObservation.NoMemslotExit(m.vcpu(), m.gfn()));
      m.replyTo().tell(new KvmReply.MemoryFaultHandled(false, m.tag()));
      return;
    }
    // QEMU's kvm_convert_memory: convert to what the guest accessed the range as, then KVM_RUN again
    convert(m.gfn(), m.gfn() + m.pages(), m.isPrivate(),
        ok -> m.replyTo().tell(new KvmReply.MemoryFaultHandled(ok, m.tag())));
  }

  private void runAction(int i) {
    assert i >= 0 && i <= config.vmmActions().size() : "VMM action " + i;
    assert kvm.held() == null : "the VMM's ioctls start without mmu_lock, not under " + kvm.held();
    if (i == config.vmmActions().size()) return;
    VmmAction a = config.vmmActions().get(i);
    if (a instanceof VmmAction.PunchHole p) {
      kvm.request(KvmReply.GmemIoctlDone.class, d -> {
        assert "punch-hole".equals(d.kind()) && d.ok() == (d.error() == null) : "fallocate answered " + d;
        assert d.start() == p.gfn() && d.end() == p.end() : "fallocate(PUNCH_HOLE) of " + p + " answered for " + d;
        runAction(i + 1);
      }, tag -> kvm.peers().guestMemfd().tell(new GuestMemfdMsg.PunchHole(p.gfn(), p.end(), kvm.self(), tag)));
    } else if (a instanceof VmmAction.DeleteMemslot d) {
      setMemoryRegion(d.gfn(), d.end(), -1, () -> {
        assert !inDeletedMemslot(d.gfn()) : "the memslot at " + d.gfn() + " deleted twice";
        deleted.add(new long[] {d.gfn(), d.end()});
        runAction(i + 1);
      });
    } else if (a instanceof VmmAction.MoveMemslot m) {
      assert m.pages() > 0 && m.to() >= 0 : "a MOVE of " + m;
      setMemoryRegion(m.gfn(), m.gfn() + m.pages(), m.to(), () -> runAction(i + 1));
    } else if (a instanceof VmmAction.Interrupt) {
      kvm.flow(Flow.INTERRUPT, 0, Level.PG_LEVEL_4K);
      for (var v : kvm.peers().vcpus()) v.tell(new VcpuMsg.PostedInterrupt());
      runAction(i + 1);
    } else if (a instanceof VmmAction.Signal) {
      kvm.flow(Flow.SIGNAL, 0, Level.PG_LEVEL_4K);
      for (var v : kvm.peers().vcpus()) v.tell(new VcpuMsg.Signal());
      runAction(i + 1);
    } else if (a instanceof VmmAction.Destroy) {
      joinVcpus(0, () -> TdTeardown.run(kvm, () -> runAction(i + 1)));
    } else if (a instanceof VmmAction.Nmi n) {
      // every logical processor running KVM code gets the burst; each lands its NMIs where the explorer says
      kvm.flow(Flow.NMI_BURST, 0, Level.PG_LEVEL_4K);
      kvm.nmiBurst(n.count());
      for (var v : kvm.peers().vcpus()) v.tell(new VcpuMsg.NmiBurst(n.count()));
      kvm.peers().guestMemfd().tell(new GuestMemfdMsg.NmiBurst(n.count()));
      runAction(i + 1);
    } else {
      assert a instanceof VmmAction.Convert : "an unknown VMM action " + a;
      VmmAction.Convert c = (VmmAction.Convert) a;
      convert(c.gfn(), c.end(), c.toPrivate(), ok -> runAction(i + 1));
    }
  }

  /** KVM_SET_USER_MEMORY_REGION2 (its KVM side runs in the memslots actor). */
  private void setMemoryRegion(long start, long end, long moveTo, Runnable k) {
    assert start < end && kvm.peers().memslots() != null : "KVM_SET_USER_MEMORY_REGION2 of [" + start + ", " + end
        + ") in a world without the memslots actor";
    kvm.request(KvmReply.MemslotUpdated.class, u -> {
      // a delete succeeds; a MOVE of a guest_memfd memslot is refused ("Private memslots are immutable")
      assert (moveTo < 0) == (u.error() == null) : "KVM_SET_USER_MEMORY_REGION2 (move to " + moveTo + "): " + u.error();
      k.run();
    }, tag -> kvm.peers().memslots().tell(new MemslotsMsg.SetUserMemoryRegion(start, end, moveTo, kvm.self(), tag)));
  }

  private boolean inDeletedMemslot(long gfn) {
    assert deleted.stream().allMatch(r -> r[0] < r[1]) : "an empty deleted memslot";
    for (long[] r : deleted) if (gfn >= r[0] && gfn < r[1]) return true;
    return false;
  }

  /** pthread_join of each vCPU thread (after its last KVM_RUN), in vCPU order. */
  private void joinVcpus(int v, Runnable k) {
    assert v >= 0 && v <= kvm.peers().vcpus().size() : "pthread_join of vcpu-" + v;
    if (v == kvm.peers().vcpus().size()) {
      k.run();
      return;
    }
    kvm.request(KvmReply.VcpuJoined.class, j -> {
      assert j.vcpu() == v : "pthread_join of vcpu-" + v + " answered by vcpu-" + j.vcpu();
      joinVcpus(v + 1, k);
    }, tag -> kvm.peers().vcpus().get(v).tell(new VcpuMsg.Join(kvm.self(), tag)));
  }

  /** The conversion ioctl; a successful conversion to shared is then mapped into the users (acked). */
  private void convert(long start, long end, boolean toPrivate, java.util.function.Consumer<Boolean> done) {
    assert start < end : "conversion of the empty range [" + start + ", " + end + ")";
    kvm.request(KvmReply.GmemIoctlDone.class, d -> {
      assert d.ok() == (d.error() == null) : "conversion ioctl " + (d.ok() ? "succeeded with " : "failed without ")
          + "an errno: " + d.error();
      assert d.kind().equals(toPrivate ? "convert-private" : "convert-shared") && d.start() == start && d.end() == end
          : "the conversion ioctl of [" + start + ", " + end + ") answered " + d;
      if (!d.ok() || toPrivate || !config.mapSharedIntoUsers()) {
        done.accept(d.ok());
        return;
      }
      mapInto(kvm.peers().userspace(), start, end, () -> mapInto(kvm.peers().iommu(), start, end,
          () -> done.accept(true)));
    }, tag -> kvm.peers().guestMemfd().tell(new GuestMemfdMsg.Convert(start, end, toPrivate, kvm.self(), tag)));
  }

  private void mapInto(org.apache.pekko.actor.typed.ActorRef<InvalidationUserMsg> user, long start, long end,
      Runnable k) {
    assert start < end : "mmap of [" + start + ", " + end + ")";
    kvm.request(KvmReply.UserAck.class, a -> {
      assert a.ok() : a.user() + " refused a shared mapping";
      k.run();
    }, tag -> user.tell(new InvalidationUserMsg.MapShared(start, end, kvm.self(), tag)));
  }
}
