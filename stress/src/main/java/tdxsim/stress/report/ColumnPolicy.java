package tdxsim.stress.report;

import java.util.function.Predicate;
import tdxsim.stress.schedule.Decision;

/**
 * Which column a delivery is drawn in. Kernel race diagrams have one column per CPU; here a "CPU context" is
 * whatever actor the caller says runs code on its own (for the TDX model: the vCPUs, the VMM, guest_memfd, the
 * IOMMU, userspace), and the passive actors it calls into (the TDX module, the TDP MMU) appear in the column of
 * the CPU that called them, at the time their work happens.
 */
public interface ColumnPolicy {

  /** The column {@code d} is drawn in. */
  String columnOf(Decision d);

  /** Whether {@code actor} is a CPU context; those columns come first. */
  boolean isCpuContext(String actor);

  /**
   * The list's rule: the receiver's column if the receiver is a CPU context, else the sender's if the sender is
   * one, else a column named after the receiver (e.g. the TDX module's own continuations).
   */
  static ColumnPolicy cpuContexts(Predicate<String> isCpu) {
    return new ColumnPolicy() {
      @Override
      public String columnOf(Decision d) {
        if (isCpu.test(d.receiver())) return d.receiver();
        if (isCpu.test(d.sender())) return d.sender();
        return d.receiver();
      }

      @Override
      public boolean isCpuContext(String actor) {
        return isCpu.test(actor);
      }
    };
  }

  /** Every receiver is its own column: the plain view for models with no notion of CPUs. */
  static ColumnPolicy perReceiver() {
    return new ColumnPolicy() {
      @Override
      public String columnOf(Decision d) {
        return d.receiver();
      }

      @Override
      public boolean isCpuContext(String actor) {
        return false;
      }
    };
  }
}
