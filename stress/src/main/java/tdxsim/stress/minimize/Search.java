package tdxsim.stress.minimize;

import java.util.List;
import java.util.function.Consumer;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.trace.Trace;

/**
 * The state the passes share: runs a candidate decision list as a fresh schedule (the trace's schedule seed and
 * budget, a {@link GuidedStrategy}), and keeps it as the new best when it broke the same invariant and is
 * strictly better ({@link Schedule#betterThan}). Counts attempts and stops the passes when the budget is spent.
 *
 * <p>The wall clock is read only to stop and to report progress, never to choose a candidate.
 */
final class Search {
  private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

  private final DeterministicSystem system;
  private final WorldFactory worlds;
  private final Trace trace;
  private final String invariant;
  private final MinimizeBudget budget;
  private final Consumer<MinimizeProgress> progress;
  private final long start = System.nanoTime();
  private final long limitNanos;
  private long nextProgress = start + PROGRESS_EVERY_NANOS;
  private Schedule best;
  private int attempts;
  private String pass = "start";
  private MinimizeResult.Stop stop;

  Search(
      DeterministicSystem system,
      WorldFactory worlds,
      Trace trace,
      Schedule initial,
      MinimizeBudget budget,
      Consumer<MinimizeProgress> progress) {
    this.system = system;
    this.worlds = worlds;
    this.trace = trace;
    this.invariant = initial.violation().invariant();
    this.best = initial;
    this.budget = budget;
    this.progress = progress;
    this.limitNanos = saturatedNanos(budget);
    assert initial.violation() != null : "a search without a violation";
    assert system != null : "a search without a violation";
    assert worlds != null : "a search without a violation";
  }

  Schedule best() {
    assert best != null : "a best schedule of another invariant";
    assert best.violation().invariant().equals(invariant) : "a best schedule of another invariant";
    return best;
  }

  int attempts() {
    assert attempts >= 0 : attempts + " of " + budget.maxAttempts();
    assert attempts <= budget.maxAttempts() : attempts + " of " + budget.maxAttempts();
    return attempts;
  }

  long elapsedNanos() {
    return System.nanoTime() - start;
  }

  /** Why the search stopped early, or null while there is budget left. */
  MinimizeResult.Stop stop() {
    assert stop == null || attempts <= budget.maxAttempts() : "stopped after " + attempts;
    return stop;
  }

  void pass(String name) {
    assert name != null : "a pass without its name";
    assert !name.isEmpty() : "a pass without its name";
    pass = name;
  }

  /** True once the attempt or time budget is spent or a stop was asked for; the passes check it before each attempt. */
  boolean exhausted() {
    if (stop != null) return true;
    if (attempts >= budget.maxAttempts()) stop = MinimizeResult.Stop.ATTEMPTS;
    else if (elapsedNanos() >= limitNanos) stop = MinimizeResult.Stop.TIME;
    else if (budget.stopRequested().getAsBoolean()) stop = MinimizeResult.Stop.INTERRUPTED;
    return stop != null;
  }

  /** Runs {@code candidates}; true if that schedule became the new best. */
  boolean attempt(List<Decision> candidates) {
    if (exhausted()) return false;
    attempts++;
    assert attempts <= budget.maxAttempts() : "attempt " + attempts + " beyond " + budget.maxAttempts();
    GuidedStrategy guided = new GuidedStrategy(candidates, best.size());
    guided.reset(trace.scheduleSeed());
    ScheduleResult r = system.run(worlds.create(trace.scheduleSeed()), guided, trace.budget());
    boolean better = false;
    if (!r.stoppedByStrategy() && r.violation() != null && r.violation().invariant().equals(invariant)) {
      Schedule s = Schedule.of(r);
      if (s.betterThan(best)) {
        // a kept candidate is strictly smaller: shorter, or as long with fewer switches
        assert s.size() < best.size() || s.size() == best.size() && s.switches() < best.switches() : "kept " + s.size();
        best = s;
        better = true;
      }
    }
    report(better);
    return better;
  }

  private void report(boolean force) {
    assert best != null : "report without a best schedule";
    if (progress == null) return;
    long now = System.nanoTime();
    if (force || now - nextProgress >= 0) {
      progress.accept(
          new MinimizeProgress(pass, attempts, budget.maxAttempts(), best.size(), best.switches(), now - start));
      nextProgress = now + PROGRESS_EVERY_NANOS;
    }
  }

  private static long saturatedNanos(MinimizeBudget b) {
    assert b != null : "a time limit of " + b;
    assert !b.timeLimit().isNegative() : "a time limit of " + b;
    try {
      return b.timeLimit().toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
