package tdxsim.actors.options;

/**
 * The v1 choices the review thread argued about, switchable against the v3 baseline (the default: none set).
 * Each names the mail it comes from; the invariants are the same whatever is set.
 */
public enum DesignOption {
  /**
   * v1 TDX holds folio references: folio_ref_add(folio, KVM_PAGES_PER_HPAGE(level)) when it maps (PAGE.AUG,
   * PAGE.ADD), folio_put_refs on an AUG failure and after a successful PAGE.REMOVE [P1-08]. From v2 TDX holds
   * none [C2 Open 4].
   */
  V1_FOLIO_REFCOUNT("v1-folio-refcount", "P1-08"),

  /**
   * v1 ignores the split in the shared-lock fault path: when a huge leaf is found where a smaller level is
   * wanted, set the vCPU's violation_request_level to 2M and return -EBUSY (the guest retries), instead of the v3
   * write-lock split on the guest's ACCEPT level plus the one-way GUEST_INHIBIT flag; the per-vCPU
   * accept level also clamps the mapping level [P1-12, P1-21].
   */
  V1_IGNORE_SHARED_SPLIT("v1-ignore-shared-split", "P1-21"),

  /** v1 forces prefetch (KVM_PRE_FAULT_MEMORY) mappings to 4K [P1-20]. */
  V1_PREFETCH_4K("v1-prefetch-4k", "P1-20"),

  /**
   * Invalidation users may refuse, and the conversion aborts after earlier users already unmapped (the seed
   * mail's A/B/C case); and guest_memfd splits and zaps range by range in one pass, so an -ENOMEM on range k
   * comes after ranges before k were zapped [R6, R7, T08 Yan 06-05]. The default instead runs a fallible
   * pre-phase (prepare every user, split every range) and then an infallible unmap [S16].
   */
  FAILABLE_NOTIFIER("failable-notifier", "R7");

  private final String cliName;
  private final String source;

  DesignOption(String cliName, String source) {
    this.cliName = cliName;
    this.source = source;
  }

  /** The name used on the command line and in traces, e.g. "v1-folio-refcount". */
  public String cliName() {
    return cliName;
  }

  /** The domain file's source key. */
  public String source() {
    return source;
  }

  /** Parses a CLI name or an enum constant name; null if unknown. */
  public static DesignOption parse(String s) {
    for (DesignOption o : values()) {
      if (o.cliName.equalsIgnoreCase(s) || o.name().equalsIgnoreCase(s)) return o;
    }
    return null;
  }
}
