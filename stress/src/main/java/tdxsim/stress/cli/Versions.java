package tdxsim.stress.cli;

import picocli.CommandLine;
import tdxsim.actors.vm.ModelVersion;

/** Tool and model versions; a trace records both and is refused under another model version. */
public final class Versions implements CommandLine.IVersionProvider {
  public static final String TOOL = "tdxsim 0.1.0";

  @Override
  public String[] getVersion() {
    return new String[] {TOOL, "model " + ModelVersion.VERSION};
  }
}
