package tdxsim.stress.cluster;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Admission to a tdxsim cluster, as a Pekko Cluster join-configuration check: a node that asks to join sends its
 * configuration, and the node it asks refuses it (Pekko then stops the joining node) unless it runs the same model
 * version and presents the proof of the shared secret ({@link ClusterSecret#proof}). The joining node checks the
 * cluster's answer the same way, so neither side works with a node it cannot trust to run the same model.
 *
 * <p>Pekko instantiates it by name; the node's own secret and version are those of {@link NodeIdentity}, set before
 * the actor system starts.
 */
public final class JoinCheck extends JoinConfigCompatChecker {
  static final String VERSION_KEY = "tdxsim.cluster.model-version";
  static final String PROOF_KEY = "tdxsim.cluster.join-proof";

  @Override
  public scala.collection.immutable.Seq<String> requiredKeys() {
    return CollectionConverters.asScala(List.of(VERSION_KEY, PROOF_KEY)).toList();
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    List<String> errors = new ArrayList<>();
    NodeIdentity self = NodeIdentity.current();
    String version = toCheck.hasPath(VERSION_KEY) ? toCheck.getString(VERSION_KEY) : null;
    String proof = toCheck.hasPath(PROOF_KEY) ? toCheck.getString(PROOF_KEY) : null;
    if (self == null) {
      errors.add("this node has no tdxsim identity");
    } else if (version == null || !version.equals(self.modelVersion())) {
      errors.add("model version " + version + ", but this cluster runs model version " + self.modelVersion());
    } else if (!self.secret().verifies(version, proof)) {
      errors.add("no proof of the cluster's shared secret");
    }
    if (errors.isEmpty()) return Valid$.MODULE$;
    if (self != null) self.refused(String.join("; ", errors));
    return new Invalid(CollectionConverters.asScala(errors).toList());
  }
}
