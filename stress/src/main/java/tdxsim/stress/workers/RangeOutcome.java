package tdxsim.stress.workers;

/** What every range reports, whatever the job: where it started, how far it got, where it broke. */
public interface RangeOutcome {
  long NONE = -1;

  /** First index of the range. */
  long from();

  /** Indices run, the violating one included; less than the range's size when stopped early. */
  long ran();

  /** Index of the range's violation, or {@link #NONE}. */
  long violationIndex();

  default boolean violated() {
    return violationIndex() != NONE;
  }
}
