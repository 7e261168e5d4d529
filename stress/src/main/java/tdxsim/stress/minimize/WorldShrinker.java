package tdxsim.stress.minimize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.Seeds;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;

/**
 * Shrinks the world of a violating trace before its schedule is minimized: fewer vCPUs, guest ops, VMM actions
 * and 2M ranges ({@link WorldEdits}) while the same invariant still fires. A hunt's world is drawn at random and
 * carries what the violation does not need; the schedule minimizer cannot leave out an actor's workload, only
 * postpone it. Each candidate world is explored as {@code explore --scenario WORLD --strategy S --seed R} would
 * (the trace's strategy, run seed R = the trace's schedule seed, up to {@code schedules} schedules); the first
 * schedule that breaks the same invariant makes the candidate the new world and its schedule the new trace. Edits
 * are tried largest first and the passes repeat until none is accepted or the attempt budget is spent.
 * Deterministic in the trace and the budget.
 */
public final class WorldShrinker {
  /**
   * @param trace the trace in the smallest world found (the input if nothing was left out)
   * @param removed what was left out, in order
   * @param attempts candidate worlds explored
   */
  public record Result(Trace trace, List<String> removed, int attempts, String before, String after) {}

  private final DeterministicSystem system;
  private final int schedules;
  private final int maxAttempts;
  private final BooleanSupplier stop;
  private int attempts;

  /**
   * @param schedules schedules explored per candidate world
   * @param maxAttempts candidate worlds explored at most
   */
  public WorldShrinker(DeterministicSystem system, int schedules, int maxAttempts, BooleanSupplier stop) {
    this.system = system;
    this.schedules = schedules;
    this.maxAttempts = maxAttempts;
    this.stop = stop;
    assert system != null : "a shrinker of " + maxAttempts;
    assert schedules >= 0 : "a shrinker of " + maxAttempts;
    assert maxAttempts >= 0 : "a shrinker of " + maxAttempts;
    assert stop != null : "a shrinker of " + maxAttempts;
  }

  /** Shrinks {@code trace}'s world; {@code progress} hears of each accepted edit. */
  public Result shrink(Trace trace, Consumer<String> progress) {
    String invariant = trace.violation().invariant();
    assert progress != null : "shrink without a progress sink";
    Trace best = trace;
    List<String> removed = new ArrayList<>();
    boolean improved = true;
    while (improved && attempts < maxAttempts && !stop.getAsBoolean()) {
      improved = false;
      for (WorldEdits.Edit e : WorldEdits.of(best.scenario().source())) {
        if (attempts >= maxAttempts || stop.getAsBoolean()) break;
        Trace t = attempt(best, e.text(), invariant);
        if (t != null) {
          best = t;
          assert t.violation().invariant().equals(invariant) : "a smaller world breaks " + t.violation().invariant();
          removed.add(e.what());
          progress.accept("world: without " + e.what() + " (" + WorldEdits.size(e.text()) + ")");
          improved = true;
          break; // the edits of the smaller world are numbered afresh
        }
      }
    }
    assert attempts <= maxAttempts : attempts + " attempts";
    assert best.violation().invariant().equals(invariant) : attempts + " attempts";
    return new Result(best, removed, attempts, WorldEdits.size(trace.scenario().source()),
        WorldEdits.size(best.scenario().source()));
  }

  /** The trace's strategy, or PCTCP (the hunt's) for one that is not an exploration strategy. */
  private static StrategyKind kind(String name) {
    assert name != null : "the kind of no strategy";
    try {
      return StrategyKind.parse(name);
    } catch (IllegalArgumentException e) {
      return StrategyKind.PCTCP;
    }
  }

  /** Explores the candidate world; its first schedule breaking {@code invariant}, as a trace, or null. */
  private Trace attempt(Trace trace, String text, String invariant) {
    Scenario world;
    try {
      world = ScenarioLoader.parse(trace.scenario().name() + ".conf", trace.scenario().name(), text)
          .withOptions(trace.options());
    } catch (ScenarioException | IllegalArgumentException e) {
      return null; // an edit the loader refuses is no world
    }
    attempts++;
    assert attempts <= maxAttempts : "attempt " + attempts + " of " + maxAttempts;
    Trace t = firstViolation(system, world, text, trace, schedules);
    return t != null && t.violation().invariant().equals(invariant) ? t : null;
  }

  /**
   * The first violation in {@code world} (whose text is {@code text}) as {@code explore --scenario WORLD --strategy
   * S --seed R --schedules N} finds it, with S, R (the template's schedule seed), the options and the budget of
   * {@code template}; null if N schedules break nothing.
   */
  public static Trace firstViolation(DeterministicSystem system, Scenario world, String text, Trace template,
      int schedules) {
    TdxWorldFactory factory = new TdxWorldFactory(world);
    Strategy strategy = FairStrategy.wrap(kind(template.strategy()).create());
    long runSeed = template.scheduleSeed();
    assert schedules >= 0 : "firstViolation over " + schedules + " schedules";
    assert template.budget() != null : "firstViolation over " + schedules + " schedules";
    for (int j = 0; j < schedules; j++) {
      long seed = Seeds.forSchedule(runSeed, j);
      strategy.reset(seed);
      ScheduleResult r = system.run(factory.create(seed), strategy, template.budget());
      if (r.ok()) continue;
      return Trace.of(template.toolVersion(), template.modelVersion(), new Trace.Scenario(world.name(), text),
          template.options(), template.strategy(), runSeed, template.budget(), new Counterexample(j, seed, r));
    }
    return null;
  }
}
