package tdxsim.actors.vcpu;

import tdxsim.actors.monitor.Flow;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.VmmMsg;

/**
 * TDG.VP.VMCALL&lt;MapGPA&gt; on the host [LNX tdx.c]: tdx_map_gpa records [map_gpa_next, map_gpa_end) and
 * __tdx_map_gpa exits to userspace with KVM_EXIT_HYPERCALL(KVM_HC_MAP_GPA_RANGE) for one chunk of at most
 * TDX_MAP_GPA_MAX_LEN (2 MB) from map_gpa_next. When the VMM runs KVM_RUN again, tdx_complete_vmcall_map_gpa
 * goes on: a failed chunk returns TDVMCALL_STATUS_INVALID_OPERAND with R11 = map_gpa_next; otherwise
 * map_gpa_next advances by one chunk, and the call succeeds once it reaches the end; before the next chunk, a
 * pending event (kvm_vcpu_has_events: here a posted interrupt) returns TDVMCALL_STATUS_RETRY with R11 =
 * map_gpa_next, the guest taking the interrupt and retrying from there; else the next chunk's exit follows.
 */
final class MapGpaCall {
  /** TDX_MAP_GPA_MAX_LEN in 4K pages. */
  static final long MAX_PAGES = Level.PG_LEVEL_2M.pages();

  /** The TDVMCALL status and R11 (the first gfn not mapped) the guest gets back. */
  enum Status { SUCCESS, RETRY, INVALID_OPERAND }

  record Result(Status status, long r11) {
    Result {
      assert status != null && r11 >= 0 : "TDVMCALL status " + status + ", R11 " + r11;
    }
  }

  private final KvmContext kvm;
  private final int vcpu;
  private final BooleanSupplier hasEvents;
  private long next;
  private long end;
  private boolean toShared;
  private Consumer<Result> done;

  MapGpaCall(KvmContext kvm, int vcpu, BooleanSupplier hasEvents) {
    assert kvm != null && vcpu >= 0 && hasEvents != null : "MapGPA of vcpu " + vcpu;
    assert kvm.vcpuId() == vcpu : kvm.name() + " runs the MapGPA exits of vcpu " + vcpu;
    this.kvm = kvm;
    this.vcpu = vcpu;
    this.hasEvents = hasEvents;
  }

  /** tdx_map_gpa for the guest's call; {@code k} gets the status the guest resumes with. */
  void start(GuestAction.MapGpaCall m, Consumer<Result> k) {
    if (done != null) throw new IllegalStateException(kvm.name() + ": MapGPA while one is in flight");
    assert m.start() >= 0 && m.start() < m.end() : kvm.name() + ": MapGPA of [" + m.start() + ", " + m.end() + ")";
    assert k != null : kvm.name() + ": MapGPA without a continuation";
    next = m.start();
    end = m.end();
    toShared = m.toShared();
    done = k;
    exit();
  }

  /** __tdx_map_gpa: one KVM_HC_MAP_GPA_RANGE exit for [next, min(next + 2 MB, end)). */
  private void exit() {
    assert done != null : kvm.name() + ": KVM_HC_MAP_GPA_RANGE exit with no MapGPA in flight";
    long chunkEnd = Math.min(next + MAX_PAGES, end);
    assert next < chunkEnd : kvm.name() + ": empty MapGPA chunk at " + next + ", end " + end;
    assert kvm.held() == null : kvm.name() + ": an exit to userspace under mmu_lock " + kvm.held();
    kvm.flow(toShared ? Flow.MAPGPA_SHARED : Flow.MAPGPA_PRIVATE, next, Level.PG_LEVEL_4K);
    kvm.request(KvmReply.MapGpaDone.class, this::complete,
        tag -> kvm.peers().vmm().tell(new VmmMsg.MapGpaExit(vcpu, next, chunkEnd, toShared, kvm.self(), tag)));
  }

  /** tdx_complete_vmcall_map_gpa, on the next KVM_RUN. */
  private void complete(KvmReply.MapGpaDone d) {
    assert done != null : kvm.name() + ": MapGPA completion with no MapGPA in flight";
    assert next < end : kvm.name() + ": MapGPA completion past its end: next " + next + ", end " + end;
    assert kvm.held() == null : kvm.name() + ": tdx_complete_vmcall_map_gpa under mmu_lock";
    assert d.ok() == (d.error() == null) : kvm.name() + ": KVM_HC_MAP_GPA_RANGE answered " + d;
    if (!d.ok()) {
      finish(Status.INVALID_OPERAND, next);
      return;
    }
    long prev = next;
    next += MAX_PAGES;
    assert next > prev : kvm.name() + ": map_gpa_next did not advance from " + prev; // chunk progress is monotone
    if (next >= end) {
      finish(Status.SUCCESS, 0);
      return;
    }
    if (hasEvents.getAsBoolean()) {
      kvm.flow(Flow.MAPGPA_RETRY, next, Level.PG_LEVEL_4K);
      finish(Status.RETRY, next);
      return;
    }
    exit();
  }

  private void finish(Status s, long r11) {
    assert kvm.held() == null : kvm.name() + ": the MapGPA TDVMCALL returns to the guest under mmu_lock";
    assert done != null : kvm.name() + ": MapGPA finished twice (" + s + ")";
    assert s == Status.SUCCESS ? r11 == 0 : r11 >= 0 && r11 < end : kvm.name() + ": MapGPA " + s + ", R11 " + r11;
    Consumer<Result> k = done;
    done = null;
    k.accept(new Result(s, r11));
  }
}
