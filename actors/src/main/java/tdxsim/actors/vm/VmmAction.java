package tdxsim.actors.vm;

/** What the VMM does on its own once the TD runs (sequentially, concurrently with the vCPUs' workloads). */
public sealed interface VmmAction {
  long gfn();

  long pages();

  default long end() {
    return gfn() + pages();
  }

  /** fallocate(PUNCH_HOLE) on guest_memfd over the range. */
  record PunchHole(long gfn, long pages) implements VmmAction {}

  /**
   * A conversion the VMM starts (KVM_SET_MEMORY_ATTRIBUTES2 / guest_memfd convert); a range converted to shared
   * is then mapped into the invalidation users (userspace mmap, IOMMU DMA) if the config says so.
   */
  record Convert(long gfn, long pages, boolean toPrivate) implements VmmAction {}
}
