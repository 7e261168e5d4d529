package tdxsim.stress.cluster;

import java.util.function.Consumer;
import tdxsim.actors.vm.ModelVersion;

/**
 * What this node is in a tdxsim cluster: its model version and the cluster's secret, and where a refused join is
 * told. One per process (a process is one node), set before its actor system starts: {@link JoinCheck} is created
 * by Pekko by class name and finds it here.
 *
 * @param modelVersion {@link ModelVersion#VERSION}, or the system property {@value #VERSION_PROPERTY} (tests of
 *     version skew start a worker that claims another version)
 * @param secret the shared secret
 * @param onRefused told, in one line, why a node's join was refused
 */
public record NodeIdentity(String modelVersion, ClusterSecret secret, Consumer<String> onRefused) {
  public static final String VERSION_PROPERTY = "tdxsim.cluster.model-version";
  private static volatile NodeIdentity current;

  /** This process's identity under {@code secret}. */
  public static NodeIdentity install(ClusterSecret secret, Consumer<String> onRefused) {
    NodeIdentity id = new NodeIdentity(System.getProperty(VERSION_PROPERTY, ModelVersion.VERSION), secret, onRefused);
    current = id;
    return id;
  }

  static NodeIdentity current() {
    return current;
  }

  void refused(String why) {
    onRefused.accept(why);
  }
}
