package tdxsim.stress.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The Pekko configuration of a tdxsim cluster node: cluster provider, Artery over plain TCP bound to the address
 * given (never a wildcard unless asked for), the coordinator as the one seed node, tdxsim's message serializer,
 * the admission check ({@link JoinCheck}) with this node's version and proof, and quiet logs (what matters is
 * printed by the commands, in their own lines).
 */
final class NodeConfig {
  static final String SYSTEM = "tdxsim";

  private NodeConfig() {}

  /** A node bound to {@code bind} joining the coordinator at {@code seed}. */
  static Config of(HostPort bind, HostPort seed, NodeIdentity id) {
    // slf4j set up here, on one thread, before Pekko's threads log: else it prints three lines about "replayed" calls
    org.slf4j.LoggerFactory.getILoggerFactory();
    String conf = """
        pekko {
          loglevel = "OFF"
          stdout-loglevel = "OFF"
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor {
            provider = cluster
            serializers { tdxsim = "tdxsim.stress.cluster.ClusterSerializer" }
            serialization-bindings { "tdxsim.stress.cluster.ClusterMessage" = tdxsim }
          }
          remote.artery {
            transport = tcp
            log-received-messages = off
            # a range's outcome (packed traces) goes to the coordinator, the guardian, on the large-message stream:
            # up to 16 MiB a message (Packed.MAX_CHARS), few such buffers
            large-message-destinations = ["/user"]
            advanced.maximum-large-frame-size = 16 MiB
            advanced.large-buffer-pool-size = 4
          }
          cluster {
            log-info = off
            jmx.enabled = off
            # a worker that stops answering is downed by the coordinator (Coordinator#unreachable), which hands its
            # ranges to others: no split-brain resolver, the coordinator decides
            downing-provider-class = ""
            failure-detector.acceptable-heartbeat-pause = 4s
            configuration-compatibility-check.checkers.tdxsim = "tdxsim.stress.cluster.JoinCheck"
            shutdown-after-unsuccessful-join-seed-nodes = 20s
          }
          coordinated-shutdown.exit-jvm = off
          coordinated-shutdown.run-by-jvm-shutdown-hook = off
        }
        """;
    return ConfigFactory.parseString(conf)
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(bind.host()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(bind.port()))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of(seed.address(SYSTEM))))
        .withValue(JoinCheck.VERSION_KEY, ConfigValueFactory.fromAnyRef(id.modelVersion()))
        .withValue(JoinCheck.PROOF_KEY, ConfigValueFactory.fromAnyRef(id.secret().proof(id.modelVersion())))
        .withFallback(ConfigFactory.load())
        .resolve();
  }
}
