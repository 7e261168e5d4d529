package tdxsim.actors.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.gmem.GuestMemfd;
import tdxsim.actors.gmem.InvalidationUser;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.Memslots;
import tdxsim.actors.mmu.MmuLock;
import tdxsim.actors.mmu.TdpMmu;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.options.ActorPatch;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.tdx.ShardedTdxModule;
import tdxsim.actors.tdx.TdxModule;
import tdxsim.actors.tdx.TdxModuleConfig;
import tdxsim.actors.vcpu.Vcpu;
import tdxsim.actors.vcpu.VcpuNames;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.InvalidationUserMsg;
import tdxsim.protocol.KvmPeers;
import tdxsim.protocol.MemslotsMsg;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;
import tdxsim.protocol.VmmMsg;

/**
 * The VM root: spawns every actor of one VM as a child, with deterministic names ({@code mmu-lock},
 * {@code tdp-mmu-0..}, {@code tdx-module}, {@code guest-memfd}, {@code iommu}, {@code userspace},
 * {@code vcpu-0..}, {@code vmm}), wires them, and starts the VMM, which builds the TD (PAGE.ADD at 4K,
 * MR.FINALIZE) and then runs the vCPUs' workloads and its own actions. It handles no messages itself.
 */
public final class Vm {
  private Vm() {}

  public static final String MMU_LOCK = "mmu-lock";
  public static final String TDX_MODULE = "tdx-module";
  public static final String IOMMU = "iommu";
  public static final String USERSPACE = "userspace";

  public static String tdpMmuName(int shard) {
    assert shard >= 0 : "shard " + shard;
    return "tdp-mmu-" + shard;
  }

  public static Behavior<Void> create(VmConfig config, Monitor monitor) {
    return create(config, monitor, module(config));
  }

  /** The TDX module the VM's options ask for: one actor, or a front with S-EPT shards. */
  private static BiFunction<TdxModuleConfig, Monitor, Behavior<TdxModuleMsg>> module(VmConfig config) {
    boolean sharded = config.options().contains(DesignOption.SHARDED_TDX_MODULE);
    return sharded ? ShardedTdxModule::create : TdxModule::create;
  }

  /** With a user's design options changing some actors ({@link ActorPatch}; plugins, {@code tdxsim.stress.ext}). */
  public static Behavior<Void> create(VmConfig config, Monitor monitor, ActorPatch patch) {
    assert patch != null : "a null ActorPatch (ActorPatch.NONE is the identity)";
    return create(config, monitor, module(config), patch);
  }

  /** With another TDX module behaviour (tests). */
  public static Behavior<Void> create(VmConfig config, Monitor monitor,
      BiFunction<TdxModuleConfig, Monitor, Behavior<TdxModuleMsg>> moduleFactory) {
    return create(config, monitor, moduleFactory, ActorPatch.NONE);
  }

  private static Behavior<Void> create(VmConfig config, Monitor monitor,
      BiFunction<TdxModuleConfig, Monitor, Behavior<TdxModuleMsg>> moduleFactory, ActorPatch p) {
    assert config != null && monitor != null && moduleFactory != null : "a VM without a config or a monitor";
    return Behaviors.setup(ctx -> {
      KvmConfig kvm = config.kvmConfig();
      assert config.workloads().size() == config.vcpus() : config.workloads().size() + " workloads for "
          + config.vcpus() + " vCPUs";
      ActorRef<tdxsim.protocol.MmuLockMsg> mmuLock = ctx.spawn(p.apply(MMU_LOCK, tdxsim.protocol.MmuLockMsg.class,
          MmuLock.create(config.splitCachePages(), monitor), config, monitor), MMU_LOCK);
      List<ActorRef<TdpMmuMsg>> shards = new ArrayList<>();
      for (int i = 0; i < kvm.shards(); i++) {
        shards.add(ctx.spawn(p.apply(tdpMmuName(i), TdpMmuMsg.class, TdpMmu.create(i, kvm.shardBase(i), monitor),
            config, monitor), tdpMmuName(i)));
      }
      ActorRef<TdxModuleMsg> module = ctx.spawn(p.apply(TDX_MODULE, TdxModuleMsg.class,
          moduleFactory.apply(config.tdxModuleConfig(), monitor), config, monitor), TDX_MODULE);
      ActorRef<GuestMemfdMsg> gmem = ctx.spawn(p.apply(GuestMemfd.NAME, GuestMemfdMsg.class,
          GuestMemfd.create(kvm, monitor), config, monitor), GuestMemfd.NAME);
      List<long[]> pinned = new ArrayList<>();
      for (GfnRange r : config.iommuPinned()) pinned.add(new long[] {r.gfn(), r.end()});
      ActorRef<InvalidationUserMsg> iommu = ctx.spawn(p.apply(IOMMU, InvalidationUserMsg.class,
          InvalidationUser.create(IOMMU, config.baseGfn(), pinned, monitor), config, monitor), IOMMU);
      ActorRef<InvalidationUserMsg> userspace = ctx.spawn(p.apply(USERSPACE, InvalidationUserMsg.class,
          InvalidationUser.create(USERSPACE, config.baseGfn(), List.of(), monitor), config, monitor), USERSPACE);
      List<ActorRef<VcpuMsg>> vcpus = new ArrayList<>();
      for (int i = 0; i < config.vcpus(); i++) {
        vcpus.add(ctx.spawn(p.apply(VcpuNames.of(i), VcpuMsg.class,
            Vcpu.create(i, config.workloads().get(i), config.buildPages(), kvm, monitor), config, monitor),
            VcpuNames.of(i)));
      }
      ActorRef<VmmMsg> vmm = ctx.spawn(p.apply(Vmm.NAME, VmmMsg.class, Vmm.create(config, monitor), config, monitor),
          Vmm.NAME);
      ActorRef<MemslotsMsg> memslots = config.changesMemslots()
          ? ctx.spawn(p.apply(Memslots.NAME, MemslotsMsg.class, Memslots.create(kvm, monitor), config, monitor),
              Memslots.NAME)
          : null;
      assert shards.size() == kvm.shards() && vcpus.size() == config.vcpus() : "a VM short of actors";
      assert (memslots != null) == config.changesMemslots() : "the memslots actor iff the VMM changes memslots";
      assert kvm.baseGfn() == config.tdxModuleConfig().privateGfnStart() : "KVM's memslot is the TD's private range";
      KvmPeers peers = new KvmPeers(module, mmuLock, shards, gmem, vmm, vcpus, iommu, userspace, memslots);
      for (ActorRef<VcpuMsg> v : vcpus) v.tell(new VcpuMsg.Wire(peers));
      gmem.tell(new GuestMemfdMsg.Wire(peers));
      if (memslots != null) memslots.tell(new MemslotsMsg.Wire(peers));
      vmm.tell(new VmmMsg.Wire(peers));
      vmm.tell(new VmmMsg.Start());
      return Behaviors.empty();
    });
  }
}
