package tdxsim.actors.tdx;

import java.util.LinkedHashMap;
import java.util.Map;
import tdxsim.actors.monitor.Monitor;

/**
 * Everything one TDX module instance owns: the S-EPT, TDR / S-EPT tree / epoch locks, TLB epochs, the TD's
 * OP_STATE, the vCPUs, and the operations in flight. Owned by one module actor (one thread): the
 * {@link TdxModule}, or the {@link ShardedTdxModule}'s front, whose S-EPT here stays empty (its shards own the
 * entries). A plain class so that tests and scenario set-up can inspect and seed it.
 */
public final class TdxModuleState {
  private final TdxModuleConfig config;
  private final Monitor monitor;
  private final SecureEpt ept;
  /** TDR page PAMT lock: shared by every TD-scoped SEAMCALL, exclusive for PAGE.ADD and MR.FINALIZE. */
  private final SharexLock tdrLock = new SharexLock("TDR");
  /** TDCS.secure_ept_lock. */
  private final SharexLock septTreeLock = new SharexLock("secure_ept_lock");
  private final TlbEpochs epochs = new TlbEpochs();
  private final VcpuContext[] vcpus;
  TdOpState opState = TdOpState.INITIALIZED;
  /** In-flight operations by op id, in arrival order. */
  final Map<Long, InFlightOp> inFlight = new LinkedHashMap<>();
  private long nextOpId = 1;
  /** TDH.PHYMEM.PAGE.WBINVD calls (for {@link TdxModuleConfig#failPageWbinvd()}). */
  int pageWbinvds;
  /** TDR.LIFECYCLE_STATE, vCPU associations and the HKID's WBINVD bitmap (the key teardown). */
  final TdLifecycle lifecycle = new TdLifecycle(this);

  /** td_epoch, the REFCOUNTs and OP_STATE as they are now, for the S-EPT work run inline. */
  private final EpochView liveEpochs = new EpochView() {
    @Override
    public long tdEpoch() {
      return epochs.tdEpoch();
    }

    @Override
    public boolean isTlbTracked(long bepoch) {
      return epochs.isTlbTracked(bepoch);
    }

    @Override
    public boolean trackingRequired() {
      return opState.tlbTrackingRequired();
    }
  };

  public TdxModuleState(TdxModuleConfig config, Monitor monitor) {
    this.config = config;
    this.monitor = monitor;
    this.ept = new SecureEpt(config, monitor);
    this.vcpus = new VcpuContext[config.vcpus()];
    for (int i = 0; i < vcpus.length; i++) vcpus[i] = new VcpuContext(i);
    assert vcpus.length >= 1 && vcpus.length <= TdxModuleConfig.MAX_VCPUS_PER_TD : "vcpus " + vcpus.length;
  }

  public TdxModuleConfig config() {
    return config;
  }

  public Monitor monitor() {
    return monitor;
  }

  public SecureEpt ept() {
    return ept;
  }

  EpochView liveEpochs() {
    return liveEpochs;
  }

  /** What a shard's S-EPT work reads of the TD-wide state, read now, when the shard asks while it holds the entry. */
  EpochView.Snapshot epochSnapshot() {
    return new EpochView.Snapshot(epochs.tdEpoch(), epochs.previousRefcount(), opState.tlbTrackingRequired());
  }

  public SharexLock tdrLock() {
    return tdrLock;
  }

  public SharexLock septTreeLock() {
    return septTreeLock;
  }

  public TlbEpochs epochs() {
    return epochs;
  }

  public TdOpState opState() {
    return opState;
  }

  public VcpuContext vcpu(int id) {
    if (id < 0 || id >= vcpus.length) throw new IllegalArgumentException("no vcpu " + id);
    assert vcpus[id].id() == id : vcpus[id];
    return vcpus[id];
  }

  public int vcpuCount() {
    return vcpus.length;
  }

  /** Number of operations that hold locks and wait for their Continue. */
  public int inFlightCount() {
    assert inFlight.size() < nextOpId : inFlight.size() + " operations in flight, " + (nextOpId - 1) + " minted";
    return inFlight.size();
  }

  long mintOpId() {
    assert nextOpId >= 1 && !inFlight.containsKey(nextOpId) : "op id " + nextOpId + " already in flight";
    return nextOpId++;
  }

  /**
   * What one step of {@code op} can change of {@link #invariant}: the op, if still in flight, is filed under its own
   * id; its vCPU's guest op, if any, is in flight. O(1), for every Continue: the whole invariant walks every
   * vCPU, 512 per message in a TD of 512.
   */
  boolean invariantAfter(InFlightOp op) {
    assert op != null : "the invariant after no op";
    InFlightOp now = inFlight.get(op.opId);
    assert now == null || now == op : op + " replaced by " + now;
    int vcpu = op instanceof InFlightOp.Accept a ? a.msg.vcpu()
        : op instanceof InFlightOp.VpEnter v ? v.msg.vcpu() : op instanceof InFlightOp.InShard g ? g.vcpu : -1;
    if (vcpu < 0) return true;
    VcpuContext ctx = vcpu(vcpu);
    assert ctx.guestOp < 0 || isGuestOp(inFlight.get(ctx.guestOp)) : ctx + ": no guest op in flight";
    return true;
  }

  /** Every op in flight is filed under its own id, minted before; a vCPU's guest op is in flight. */
  boolean invariant() {
    for (Map.Entry<Long, InFlightOp> e : inFlight.entrySet()) {
      assert e.getKey() == e.getValue().opId && e.getKey() < nextOpId : e.getValue() + " filed under " + e.getKey();
    }
    for (VcpuContext v : vcpus) {
      assert v.guestOp < 0 || isGuestOp(inFlight.get(v.guestOp)) : v + ": no guest op in flight";
    }
    return true;
  }

  /** A vCPU's guest op: an ACCEPT holding its entry, or (sharded module) an access or ACCEPT in its shard. */
  static boolean isGuestOp(InFlightOp op) {
    return op instanceof InFlightOp.Accept || op instanceof InFlightOp.InShard;
  }
}
