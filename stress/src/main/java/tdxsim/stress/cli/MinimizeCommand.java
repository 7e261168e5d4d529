package tdxsim.stress.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "minimize", mixinStandardHelpOptions = true, description = "Shrink a violating trace to the few steps that matter.")
final class MinimizeCommand implements Callable<Integer> {
  @Mixin JsonOption json;

  @Parameters(arity = "0..*", hidden = true)
  List<String> args;

  @Override
  public Integer call() {
    throw NotYet.because("minimize", 6);
  }
}
