package tdxsim.stress.cli;

import java.util.concurrent.TimeUnit;

/**
 * An {@link OutOfMemoryError} on a thread of a runtime (a pool thread of {@code stress}, a worker of
 * {@code explore}): without this it printed its stack trace per thread and the command ran on, or hung. The
 * default uncaught-exception handler notes the first one instead; {@link Interrupts#requested()} then asks the
 * command to stop at its next safe point, as Ctrl-C does, so it prints its summary and writes what it can (the
 * record, the trace); {@link Interrupts#exitCode} ends it with one line and exit 3. Should the command not reach
 * its end within {@link #GRACE_SECONDS} (the heap too full to go on), the same line ends the process.
 */
public final class OutOfMemory {
  static final long GRACE_SECONDS = 60;
  private static volatile OutOfMemoryError first;

  private OutOfMemory() {}

  /** Installs the handler (once per process, in {@link Main#main}). */
  static void install() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      if (e instanceof OutOfMemoryError oom) {
        noted(oom);
      } else if (previous != null) {
        previous.uncaughtException(t, e);
      } else {
        // what the JVM prints without a handler (ThreadGroup's own would call this handler again)
        System.err.print("Exception in thread \"" + t.getName() + "\" ");
        e.printStackTrace(System.err);
      }
    });
  }

  /** Notes an OutOfMemoryError (the first one starts the grace period). */
  static synchronized void noted(OutOfMemoryError e) {
    if (first != null) return;
    first = e;
    System.err.println("tdxsim: out of memory on a runtime thread: stopping at the next safe point");
    Thread watchdog = new Thread(() -> {
      try {
        TimeUnit.SECONDS.sleep(GRACE_SECONDS);
      } catch (InterruptedException stop) {
        return;
      }
      System.err.println("tdxsim: " + line() + " (the command could not stop in " + GRACE_SECONDS + " s)");
      System.err.flush();
      Runtime.getRuntime().halt(Main.EXIT_INTERNAL_ERROR);
    }, "tdxsim-oom-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  public static boolean happened() {
    return first != null;
  }

  /** The one line that ends the command after the first OutOfMemoryError noted. */
  static String line() {
    return line(first);
  }

  /** The one line that ends a command that ran out of memory with {@code e}. */
  static String line(OutOfMemoryError e) {
    long max = Runtime.getRuntime().maxMemory();
    return "out of memory (" + (e == null ? "" : e.getMessage() + ", ") + "max heap " + Units.bytes(max)
        + "): give the JVM more, e.g. JAVA_OPTS=-Xmx" + Math.max(2, 2 * max / (1L << 30))
        + "g ./tdxsim ... (a record's log is off the heap: -XX:MaxDirectMemorySize), or run less";
  }
}
