package tdxsim.stress.workers;

/** What a {@link RangeWorker} asks and tells while it runs a range. */
public interface RangeControl {
  /** Whether index {@code index} is still wanted (false once a lower violation is known or time is up). */
  boolean proceed(long index);

  /** Index finished after {@code work} units (deliveries): for progress only, never for a decision. */
  void done(long work);

  /** A control that never stops a range and counts nothing: for a range run on its own. */
  RangeControl ALL = new RangeControl() {
    @Override
    public boolean proceed(long index) {
      return true;
    }

    @Override
    public void done(long work) {}
  };
}
