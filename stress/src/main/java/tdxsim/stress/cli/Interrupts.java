package tdxsim.stress.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM during a long command: the first one asks the command to stop at its next safe point (after
 * the schedule, the attempt, the cut in progress), print its summary so far and write what it found; the command
 * then exits 130 (SIGINT) or 143 (SIGTERM), as a shell expects of a process ended by that signal. A second signal
 * ends the process at once with the same code.
 *
 * <p>Handled with {@code sun.misc.Signal} rather than a shutdown hook: the command knows which signal came, keeps
 * its own exit code, and the JVM does not start shutting down under it. Every long-running command uses it the
 * same way:
 *
 * <pre>
 * try (Interrupts interrupts = Interrupts.install()) {
 *   Result r = run(..., interrupts::requested);
 *   printSummary(r, interrupts);   // "interrupted by SIGINT after ..." when interrupts.requested()
 *   writeWhatWasFound(r);
 *   return interrupts.exitCode(verdictCode(r));
 * }
 * </pre>
 */
public final class Interrupts implements AutoCloseable, BooleanSupplier {
  public static final int EXIT_SIGINT = 130;
  public static final int EXIT_SIGTERM = 143;
  private static final Map<String, Integer> CODES = Map.of("INT", EXIT_SIGINT, "TERM", EXIT_SIGTERM);

  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private final PrintStream err;
  private volatile String received;

  private Interrupts(PrintStream err) {
    this.err = err;
  }

  /** Handles SIGINT and SIGTERM until {@link #close()}; notices go to stderr. */
  public static Interrupts install() {
    Interrupts in = new Interrupts(System.err);
    for (String name : CODES.keySet()) {
      Signal s = new Signal(name);
      in.previous.put(s, Signal.handle(s, sig -> in.receive(sig.getName())));
    }
    return in;
  }

  /** What the signal handler does; also how a test delivers a signal without sending one. */
  void receive(String signal) {
    if (received != null) {
      err.println("tdxsim: SIG" + signal + " again: stopping now");
      err.flush();
      Runtime.getRuntime().halt(CODES.getOrDefault(received, EXIT_SIGINT));
    }
    received = signal;
    err.println("tdxsim: SIG" + signal + ": stopping at the next safe point, then printing the summary and writing "
        + "what was found (send it again to stop at once)");
    err.flush();
  }

  /** A stop was asked for (a signal, or the heap ran out on a runtime thread: {@link OutOfMemory}). */
  public boolean requested() {
    return received != null || OutOfMemory.happened();
  }

  @Override
  public boolean getAsBoolean() {
    return requested();
  }

  /**
   * 130 or 143 if interrupted, else {@code otherwise}.
   *
   * @throws ModelFailure (one line, exit 3) if the heap ran out on a runtime thread
   */
  public int exitCode(int otherwise) {
    if (OutOfMemory.happened()) throw new ModelFailure(OutOfMemory.line());
    return received == null ? otherwise : CODES.get(received);
  }

  /** "SIGINT", or null if none came. */
  public String signal() {
    return received == null ? null : "SIG" + received.toUpperCase(Locale.ROOT);
  }

  @Override
  public void close() {
    previous.forEach(Signal::handle);
    previous.clear();
  }
}
