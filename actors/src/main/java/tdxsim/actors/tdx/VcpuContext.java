package tdxsim.actors.tdx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.protocol.GuestResult;

/**
 * Per-vCPU state the module keeps (TDVPS): whether the vCPU is in TD non-root mode and in which TLB epoch it is
 * counted, where its results go, a TDCALL in flight, a pending external interrupt, and the zero-step
 * mitigation state [TDXM td_exit_stepping.c].
 */
public final class VcpuContext {
  /** Where the vCPU is, from the module's point of view. */
  public enum Mode {
    /** In the host (VMM); TDH.VP.ENTER may be issued. */
    OUTSIDE,
    /** TDH.VP.ENTER in flight: it holds the S-EPT tree lock exclusive for the zero-step check. */
    ENTERING,
    /** TD non-root mode: counted in {@link #countedEpoch()}. */
    IN_GUEST
  }

  private final int id;
  Mode mode = Mode.OUTSIDE;
  long countedEpoch;
  ActorRef<GuestResult> replyTo;
  long enterTag;
  /** Op id of the TDCALL (ACCEPT) the guest is executing, or -1. */
  long guestOp = -1;
  /** An external interrupt arrived while a TDCALL was executing; it is taken when the TDCALL lets it. */
  boolean interruptPending;
  /** The guest RIP moved since the last TD entry (a TDCALL returned, an access completed, a #VE). */
  boolean progressSinceEntry;
  /** possibly_epf_stepping: EPT violations on private GPAs without forward progress. */
  int possiblyEpfStepping;
  /** last_epf_gpa_list: gfns that keep faulting without progress; non-empty = zero-step attack suspected. */
  final List<Long> lastEpfGfns = new ArrayList<>();

  VcpuContext(int id) {
    assert id >= 0 && id < TdxModuleConfig.MAX_VCPUS_PER_TD : "vcpu id " + id;
    this.id = id;
  }

  public int id() {
    return id;
  }

  public Mode mode() {
    return mode;
  }

  public boolean inGuest() {
    return mode == Mode.IN_GUEST;
  }

  public long countedEpoch() {
    return countedEpoch;
  }

  /** The zero-step list (last_epf_gpa_list), in insertion order. */
  public List<Long> zeroStepList() {
    return Collections.unmodifiableList(lastEpfGfns);
  }

  public int possiblyEpfStepping() {
    return possiblyEpfStepping;
  }

  /**
   * At every TD exit (vmexit_stepping_filter and td_exit_epf_stepping_log): if the guest RIP moved since the
   * last entry, forward progress occurred, so stop and reset EPF tracking.
   */
  void resetEpfTrackingIfProgress() {
    assert mode == Mode.OUTSIDE : "EPF tracking is reset at a TD exit, with the vCPU back in the host: " + this;
    if (progressSinceEntry) {
      lastEpfGfns.clear();
      possiblyEpfStepping = 0;
    }
    assert invariant();
  }

  /**
   * td_exit_epf_stepping_log, for a TD exit caused by a hardware EPT violation on a private GPA: count it, and
   * once the count has reached the threshold add the gfn to the list (if new and the list is not full).
   */
  void logEpf(long gfn, int threshold) {
    assert gfn >= 0 && threshold >= 0 : "logEpf(" + gfn + ", " + threshold + ")";
    assert mode == Mode.OUTSIDE : "EPF logged at a TD exit, with the vCPU back in the host: " + this;
    if (possiblyEpfStepping < threshold) {
      possiblyEpfStepping++;
    } else if (lastEpfGfns.size() < TdxModuleConfig.EPF_GPA_LIST_SIZE && !lastEpfGfns.contains(gfn)) {
      lastEpfGfns.add(gfn);
    }
    assert possiblyEpfStepping <= threshold : "possibly_epf_stepping " + possiblyEpfStepping + " past " + threshold;
    assert invariant();
  }

  /**
   * TDVPS fields: a TDCALL or a deferred interrupt only in TD non-root mode; a vCPU in the guest is counted in an
   * epoch (td_epoch starts at 1); last_epf_gpa_list bounded and without duplicates.
   */
  boolean invariant() {
    assert mode != null : "vcpu" + id + " without mode";
    assert guestOp < 0 || mode == Mode.IN_GUEST : "a TDCALL in flight outside the guest: " + this;
    assert !interruptPending || mode == Mode.IN_GUEST : "an interrupt deferred outside the guest: " + this;
    assert mode == Mode.OUTSIDE || countedEpoch >= 1 : "entered without an epoch: " + this;
    assert possiblyEpfStepping >= 0 : "possibly_epf_stepping " + possiblyEpfStepping;
    assert lastEpfGfns.size() <= TdxModuleConfig.EPF_GPA_LIST_SIZE : "last_epf_gpa_list overflow: " + this;
    // no duplicates: the list only grows by a gfn it does not hold, so the newest is the one to check (O(n), n <= 32)
    assert lastEpfGfns.isEmpty() || lastEpfGfns.indexOf(lastEpfGfns.get(lastEpfGfns.size() - 1))
        == lastEpfGfns.size() - 1 : "duplicate gfn: " + this;
    return true;
  }

  @Override
  public String toString() {
    return "vcpu" + id + "[" + mode + (mode == Mode.IN_GUEST ? " epoch=" + countedEpoch : "")
        + (lastEpfGfns.isEmpty() ? "" : " zero-step=" + lastEpfGfns) + "]";
  }
}
