package tdxsim.protocol;

/**
 * The kernel error numbers the KVM flows return (the kernel returns them negated). A negated errno is also a
 * page-fault result ({@link PfResult}), as kvm_tdp_mmu_page_fault returns either RET_PF_* or -errno. {@link
 * #toString()} is the kernel's spelling, "-EIO", so observations print as before.
 */
public enum Errno implements PfResult {
  ENOENT(-2),
  EINTR(-4),
  EIO(-5),
  EAGAIN(-11),
  ENOMEM(-12),
  EFAULT(-14),
  EBUSY(-16),
  EINVAL(-22),
  EOPNOTSUPP(-95);

  /** The negated value a kernel function returns. */
  public final int value;

  Errno(int value) {
    this.value = value;
  }

  /** The errno a kernel function returned as an int; 0 (success) is not an errno. */
  public static Errno of(int value) {
    for (Errno e : values()) if (e.value == value) return e;
    throw new IllegalArgumentException("not a modelled errno: " + value);
  }

  /** "-EIO", as the kernel source writes it. */
  public String kernelName() {
    return "-" + name();
  }

  @Override
  public String toString() {
    return kernelName();
  }
}
