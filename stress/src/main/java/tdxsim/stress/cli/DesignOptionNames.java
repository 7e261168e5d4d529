package tdxsim.stress.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --option NAME ...}: the design options and protocol mutations to switch on (explore, stress, hunt). */
final class DesignOptionNames {
  @Option(
      names = "--option",
      paramLabel = "NAME",
      description = "Design option or protocol mutation to switch on (repeatable; see ./tdxsim list).")
  List<String> names = new ArrayList<>();
}
