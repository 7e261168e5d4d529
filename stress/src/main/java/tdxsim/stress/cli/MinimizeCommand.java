package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tdxsim.stress.minimize.MinimizeBudget;
import tdxsim.stress.minimize.MinimizeException;
import tdxsim.stress.minimize.MinimizeProgress;
import tdxsim.stress.minimize.MinimizeResult;
import tdxsim.stress.minimize.Minimizer;
import tdxsim.stress.minimize.WorldShrinker;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;

/**
 * {@code ./tdxsim minimize TRACE}: the shortest trace that still breaks the same invariant and replays exactly
 * ({@link Minimizer}), written next to the original as {@code <trace>.min.json} unless {@code --out} says
 * otherwise.
 */
@Command(
    name = "minimize",
    mixinStandardHelpOptions = true,
    description = {
      "Shrink a violating trace to the few steps that matter: same invariant, exact replay.",
      "Exit 0: the minimized trace was written; 2: bad input (including a trace whose verdict is ok).",
      "On Ctrl-C it stops after the attempt in progress and writes the shortest trace found so far."
    })
final class MinimizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Parameters(paramLabel = "TRACE", description = "A violating trace (from explore, stress --record or minimize).")
  Path file;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write it. Default: TRACE with .min.json.")
  Path out;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "5000",
      description = "Candidate schedules to try at most. Default: ${DEFAULT-VALUE}.")
  int maxAttempts;

  @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
      description = "Wall-time limit (the result is deterministic unless this stops it). Default: ${DEFAULT-VALUE}.")
  Duration timeLimit;

  @Option(names = "--world", negatable = true,
      description = {"Shrink the world first (fewer vCPUs, guest ops, VMM actions, 2M ranges) while the same",
          "invariant fires, each smaller world explored for " + WORLD_SCHEDULES + " schedules. Default: on for a",
          "hunt's generated world, off for a written scenario."})
  Boolean world;

  static final int WORLD_SCHEDULES = 64;
  static final int WORLD_ATTEMPTS = 300;

  @Override
  public Integer call() {
    if (maxAttempts < 0) throw new BadInput("--max-attempts must not be negative, got " + maxAttempts);
    Trace trace = TraceInput.read(file);
    if (trace.violation() == null) {
      throw new BadInput("trace " + file + " records no violation (verdict ok): there is nothing to minimize");
    }
    TraceInput.world(trace);
    Path target = out != null ? out : defaultOut(file);
    OutputPlace.file("--out", target);
    PrintWriter o = spec.commandLine().getOut();
    o.println("minimize " + file + ": " + trace.decisions().size() + " deliveries, " + trace.violation().invariant()
        + ", scenario " + trace.scenario().name());
    o.flush();
    try (Interrupts interrupts = Interrupts.install()) {
      if (world != null ? world : trace.scenario().name().startsWith("hunt-")) trace = shrinkWorld(trace, o, interrupts);
      WorldFactory worlds = TraceInput.world(trace);
      MinimizeResult r;
      try {
        r = Minimizer.minimize(worlds, trace, new MinimizeBudget(maxAttempts, timeLimit, interrupts), this::progress);
      } catch (MinimizeException e) {
        throw new BadInput("trace " + file + ": " + e.getMessage(), e);
      }
      String writeError = null;
      try {
        TraceFile.write(target, r.minimized());
      } catch (UncheckedIOException e) {
        writeError = e.getMessage();
      }
      o.println(r.summary());
      o.println(r.replay().summary());
      if (writeError == null) {
        o.println("trace: " + target + "   (./tdxsim replay " + target + "; ./tdxsim report " + target + ")");
      } else {
        o.println("trace: NOT WRITTEN (" + writeError + "); the violation is still in " + file);
      }
      printJson(o, r, target, writeError);
      if (writeError != null) throw BadInput.afterSummary(writeError + "; the original trace " + file + " is unchanged");
      return interrupts.exitCode(Main.EXIT_OK);
    }
  }

  private Trace shrinkWorld(Trace trace, PrintWriter o, Interrupts interrupts) {
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-world")) {
      WorldShrinker.Result w = new WorldShrinker(system, WORLD_SCHEDULES, WORLD_ATTEMPTS, interrupts)
          .shrink(trace, line -> {
            spec.commandLine().getErr().println("  " + line);
            spec.commandLine().getErr().flush();
          });
      o.printf(Locale.ROOT, "world: %s -> %s in %d worlds explored (%d deliveries in the smallest)%n", w.before(),
          w.after(), w.attempts(), w.trace().decisions().size());
      o.flush();
      return w.trace();
    }
  }

  private void printJson(PrintWriter o, MinimizeResult r, Path target, String writeError) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "minimize");
    summary.put("trace", file.toString());
    summary.put("out", writeError == null ? target.toString() : null);
    summary.put("error", writeError);
    summary.put("invariant", r.minimized().violation().invariant());
    summary.put("originalSteps", r.originalSteps());
    summary.put("minimizedSteps", r.minimizedSteps());
    summary.put("originalSwitches", r.originalSwitches());
    summary.put("minimizedSwitches", r.minimizedSwitches());
    summary.put("attempts", r.attempts());
    summary.put("stop", r.stop().name().toLowerCase(Locale.ROOT));
    summary.put("elapsedSeconds", r.elapsedNanos() / 1e9);
    summary.put("reproduced", r.replay().reproduced());
    json.print(o, summary);
  }

  /** {@code x.json} → {@code x.min.json}; anything else gets {@code .min.json} appended. */
  static Path defaultOut(Path trace) {
    String name = trace.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    return trace.resolveSibling(base + ".min.json");
  }

  private void progress(MinimizeProgress p) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("  " + p.oneLine());
    err.flush();
  }
}
