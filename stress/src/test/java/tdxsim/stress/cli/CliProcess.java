package tdxsim.stress.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs {@code ./tdxsim ARGS} as a process of its own (this JVM's classpath), for what an in-process run cannot
 * show: signals, and a file-size limit ({@code ulimit -f}) that makes a write fail like a full device. Every wait is
 * bounded: a hung command fails the test instead of hanging the suite.
 */
final class CliProcess implements AutoCloseable {
  private static final long BOUND_SECONDS = 120;

  private final Process process;
  private final BufferedReader err;
  private final StringBuilder errSeen = new StringBuilder();
  private final CompletableFuture<String> out;

  private CliProcess(Process process) {
    this.process = process;
    this.err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    this.out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(stdout unreadable: " + e + ")";
      }
    });
  }

  /** Starts it in {@code dir}, with {@code ulimit -f fileBlocks} (1 KB blocks) when that is positive. */
  static CliProcess start(Path dir, int fileBlocks, String... args) throws IOException {
    return start(dir, fileBlocks, List.of("-Xmx512m"), args);
  }

  /** {@link #start(Path, int, String...)} with these JVM options. */
  static CliProcess start(Path dir, int fileBlocks, List<String> jvm, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    StringBuilder sh = new StringBuilder(fileBlocks > 0 ? "ulimit -f " + fileBlocks + "; exec" : "exec");
    for (String c : cmd) sh.append(" '").append(c.replace("'", "'\\''")).append('\'');
    return new CliProcess(new ProcessBuilder("bash", "-c", sh.toString()).directory(dir.toFile()).start());
  }

  /** Reads stderr until a line matches (or stderr ends); returns that line, or null. */
  String awaitErrLine(Predicate<String> p) throws IOException {
    String line;
    while ((line = err.readLine()) != null) {
      errSeen.append(line).append('\n');
      if (p.test(line)) return line;
    }
    return null;
  }

  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(BOUND_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 0) throw new IOException("kill failed");
  }

  /** Waits for the end: the exit code, stdout and the whole of stderr. */
  CliRun finish() throws Exception {
    awaitErrLine(l -> false);
    if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("still running after " + BOUND_SECONDS + " s; stderr: " + errSeen);
    }
    return new CliRun(process.exitValue(), out.get(BOUND_SECONDS, TimeUnit.SECONDS), errSeen.toString());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
