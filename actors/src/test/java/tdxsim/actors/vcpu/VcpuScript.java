package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;

/** vCPU 0 of a 2-vCPU VM under a BehaviorTestKit, every peer scripted. */
final class VcpuScript {
  static final long BASE = 0x100000L;
  /** A 2M range and the pfn of its 2M folio. */
  static final long G2M = BASE + 512;
  static final long PFN2M = 0x200000L;

  final CollectingMonitor mon = new CollectingMonitor();
  final BehaviorTestKit<VcpuMsg> vcpu;
  final ScriptedPeers p;

  VcpuScript(List<WorkloadStep> workload, Set<DesignOption> options) {
    KvmConfig cfg = new KvmConfig(2, BASE, 4 * 512, options.isEmpty() ? EnumSet.noneOf(DesignOption.class)
        : EnumSet.copyOf(options), true);
    vcpu = BehaviorTestKit.create(Vcpu.create(0, workload, List.of(), cfg, mon));
    p = new ScriptedPeers(2, m -> vcpu.run((VcpuMsg) m));
    vcpu.run(new VcpuMsg.Wire(p.peers()));
  }

  VcpuScript(List<WorkloadStep> workload) {
    this(workload, Set.of());
  }

  void start() {
    vcpu.run(new VcpuMsg.RunWorkload());
  }

  /** A vCPU in the guest (started, TDH.VP.ENTER answered) whose workload touches {@code pages} pages from gfn. */
  static VcpuScript inGuestTouching(long gfn, int pages) {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(gfn, pages)));
    s.start();
    s.enter();
    return s;
  }

  /** TDH.VP.ENTER → TdEntered. */
  void enter() {
    TdxModuleMsg.TdhVpEnter e = p.module(TdxModuleMsg.TdhVpEnter.class);
    vcpu.run(new GuestResult.TdEntered(0, e.tag()));
  }

  /** The guest's next access; answer it with an EPT-violation TD exit. */
  void accessFaults(long gfn) {
    TdxModuleMsg.GuestMemAccess a = p.module(TdxModuleMsg.GuestMemAccess.class);
    assertEquals(gfn, a.gfn());
    vcpu.run(new GuestResult.TdExit(0, ExitReason.EPT_VIOLATION, gfn, null, a.tag()));
  }

  /** The guest's next ACCEPT; answer it with an EPT-violation TD exit carrying the ACCEPT level. */
  void acceptFaults(long gfn, Level level) {
    TdxModuleMsg.TdgMemPageAccept a = p.module(TdxModuleMsg.TdgMemPageAccept.class);
    assertEquals(gfn, a.gfn());
    assertEquals(level, a.level());
    vcpu.run(new GuestResult.TdExit(0, ExitReason.EPT_VIOLATION, gfn, level, a.tag()));
  }

  void acceptReturns(long gfn, Level level, tdxsim.protocol.TdxStatus st) {
    TdxModuleMsg.TdgMemPageAccept a = p.module(TdxModuleMsg.TdgMemPageAccept.class);
    assertEquals(gfn, a.gfn());
    assertEquals(level, a.level());
    vcpu.run(new GuestResult.TdcallReturn(0, gfn, level, st, a.tag()));
  }

  /** kvm_mmu_faultin_pfn: snapshot, kvm_gmem_get_pfn (a 2M private folio), second _unsafe check. */
  void faultinPfn(long gfn, long seq) {
    p.snapshot(seq, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN);
    GuestMemfdMsg.GetPfn g = ScriptedPeers.next(p.gmem, GuestMemfdMsg.GetPfn.class);
    assertEquals(gfn, g.gfn());
    vcpu.run(new KvmReply.PfnResult(gfn, PFN2M + (gfn - G2M), Level.PG_LEVEL_2M, true, null, g.tag()));
    p.snapshot(seq, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN);
  }

  void readLock(long seq) {
    p.grant(p.acquire(LockMode.SHARED), seq, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN, -1);
  }

  /**
   * A fault's first steps with nothing in the way: kvm_mmu_faultin_pfn at invalidate seq 0, mmu_lock shared, the
   * walk's 1G read. The walk's next read is the 2M SPTE.
   */
  void faultTo2M(long gfn, int disallowLpage2M) {
    faultinPfn(gfn, 0);
    readLock(0);
    read1G(disallowLpage2M);
  }

  /** The walk's first read: the 1G non-leaf, and lpage_info(2M). */
  void read1G(int disallowLpage2M) {
    p.readSpte(Spte.nonLeaf(1), disallowLpage2M);
  }
}
