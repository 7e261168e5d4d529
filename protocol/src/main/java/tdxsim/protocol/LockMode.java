package tdxsim.protocol;

/** kvm->mmu_lock is an rwlock on x86: read (shared) for faults, write (exclusive) for splits, zaps, invalidations. */
public enum LockMode {
  SHARED,
  EXCLUSIVE
}
