package tdxsim.actors.monitor;

/**
 * The observation records as an API for invariants of one's own (plugins, {@code tdxsim.stress.ext}): the records
 * of {@link MmuObservation}, {@link SeptObservation}, {@link GmemObservation} and {@link TeardownObservation}, what
 * each means and when it is reported, are listed in docs/observations.md. {@link #VERSION} changes whenever a record is removed, renamed,
 * loses or changes a component, or changes meaning; adding a record or an observation point does not change it. A
 * plugin states the version it was written against and is refused under another.
 */
public final class ObservationApi {
  private ObservationApi() {}

  /** The current version of the observation records. */
  public static final int VERSION = 1;
}
