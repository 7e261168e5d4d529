package tdxsim.stress.parallel;

import java.util.Arrays;

/**
 * The home thread of each TD's actors, which may change while the world runs: a thread that has run out of work
 * takes a TD that waits for its slice on a busy thread ({@link ParPool}). Without that, the threads whose TDs
 * ended first idle until the last TD of a generation ends (at 1,000 vCPUs in 16 TDs a 2-thread run idled 22% of its
 * thread time that way: JFR, {@code jdk.ThreadPark} in {@code ParPool.work}).
 *
 * <p>A home is a hint for locality and fairness, never for safety: Pekko runs a mailbox at most once at a time
 * whatever thread its run is offered to, so a run offered to the old home while a TD moves is simply run there.
 */
final class TdHomes {
  /** One TD's home thread; read on every dispatch, written when the TD moves. */
  static final class Home {
    volatile int thread;

    Home(int thread) {
      this.thread = thread;
    }
  }

  private final int threads;
  private Home[] homes = new Home[0];

  TdHomes(int threads) {
    assert threads >= 1 : "homes among " + threads + " threads";
    this.threads = threads;
  }

  /** TD {@code td}'s home (first dealt round-robin: TD K on thread K mod threads); one object per TD for the run. */
  synchronized Home of(int td) {
    assert td >= 0 : "the home of TD " + td;
    if (td >= homes.length) homes = Arrays.copyOf(homes, Math.max(td + 1, 2 * homes.length));
    if (homes[td] == null) homes[td] = new Home(td % threads);
    assert homes[td].thread >= 0 && homes[td].thread < threads : "TD " + td + " at home " + homes[td].thread;
    return homes[td];
  }
}
