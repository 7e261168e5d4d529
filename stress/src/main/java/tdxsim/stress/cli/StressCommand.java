package tdxsim.stress.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "stress", mixinStandardHelpOptions = true, description = "Parallel runtime at scale: thousands of vCPUs on all cores.")
final class StressCommand implements Callable<Integer> {
  @Mixin JsonOption json;

  @Parameters(arity = "0..*", hidden = true)
  List<String> args;

  @Override
  public Integer call() {
    throw NotYet.because("stress", 5);
  }
}
