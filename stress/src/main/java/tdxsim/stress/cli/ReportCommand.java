package tdxsim.stress.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true, description = "Draw a trace as the list draws races (one column per CPU), or as an HTML chart.")
final class ReportCommand implements Callable<Integer> {
  @Mixin JsonOption json;

  @Parameters(arity = "0..*", hidden = true)
  List<String> args;

  @Override
  public Integer call() {
    throw NotYet.because("report", 6);
  }
}
