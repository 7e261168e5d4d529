package tdxsim.stress.catalogue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import tdxsim.stress.cli.Main;

/** Runs {@code ./tdxsim ARGS} in-process, keeping exit code, stdout and stderr. */
record Cli(int exit, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }

  /** The last line of stdout: the --json summary. */
  String lastLine() {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }
}
