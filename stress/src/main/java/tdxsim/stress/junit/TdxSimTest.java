package tdxsim.stress.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import tdxsim.stress.ext.TdxSimPlugin;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.PctStrategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * A concurrency test: explores {@link #schedules} schedules of {@link #scenario} with {@link #options} on, and
 * fails with the minimized race, its trace under {@code target/tdxsim-failures/} and the command that replays it,
 * if any schedule breaks an invariant (the built-in ones and those of the plugins in effect). The test method runs
 * first and may take a {@link TdxExploration} to configure (add a plugin, expect a violation, ...):
 *
 * <pre>{@code
 * @TdxSimTest(scenario = "race-r5", schedules = 500)
 * void faultAndPunchHole(TdxExploration exploration) {
 *   exploration.plugin(new AcmePlugin());
 * }
 * }</pre>
 *
 * <p>The seed is fixed ({@link #seed}), so CI is reproducible. For nightly runs: {@code -Dtdxsim.seeds=fresh} draws
 * a new seed per run (printed in the message and the report entry), {@code -Dtdxsim.seed=S} runs seed S,
 * {@code -Dtdxsim.schedules=N} runs N schedules. A clean run publishes a JUnit report entry {@code tdxsim}: the
 * schedules, deliveries, strategy and, for PCT, the bound on the probability of having missed a bug of depth d.
 *
 * <p>With {@link #catalogue} the template runs once per race-catalogue entry instead (each exposure must be caught
 * by its listed invariants, each baseline must stay clean).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(TdxSimExtension.class)
public @interface TdxSimTest {
  /** A built-in scenario ({@code ./tdxsim list}) or a HOCON file (relative to the working directory). */
  String scenario() default "small";

  /** Design options: built-in ones and those of the plugins in effect. */
  String[] options() default {};

  long schedules() default 500;

  StrategyKind strategy() default StrategyKind.PCT;

  long seed() default 1;

  /** PCT's bug depth d. */
  int depth() default PctStrategy.DEFAULT_DEPTH;

  /** Deliveries allowed per schedule before it is a liveness violation (as {@code explore --max-steps}). */
  long maxSteps() default Budget.MODEL_MAX_STEPS;

  /** Minimize a violating schedule before reporting it. */
  boolean minimize() default true;

  /** Plugins to put in effect besides those {@link java.util.ServiceLoader} finds (instantiated by no-arg constructor). */
  Class<? extends TdxSimPlugin>[] plugins() default {};

  /** The test passes only if one of these invariants breaks (a test that a broken design is caught). */
  String[] expect() default {};

  /** Catalogue ids to run instead of {@link #scenario} ({@code "*"}: every entry); see the class comment. */
  String[] catalogue() default {};
}
