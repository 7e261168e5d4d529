package tdxsim.actors.vm;

/** The model's version, recorded in traces: a trace from another model version is refused on replay. */
public final class ModelVersion {
  private ModelVersion() {}

  /** Baseline v3 of the TDX huge-page series; bump the suffix when the model's behaviour changes. */
  public static final String VERSION = "tdx-hugepage-v3/8";
}
