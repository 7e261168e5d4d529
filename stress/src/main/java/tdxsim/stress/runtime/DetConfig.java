package tdxsim.stress.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The Pekko configuration of deterministic mode, built in code so that it cannot leak into the parallel mode
 * through a classpath {@code application.conf}.
 *
 * <ul>
 *   <li>dispatcher (Pekko's, telling the runtime of system messages), executor, mailbox and scheduler are this
 *       package's classes; the internal dispatcher is an alias of the
 *       default one, so Pekko's own actors also run on the driver;
 *   <li>{@code throughput = 1}: a mailbox run handles one message, so every delivery is a decision;
 *   <li>slf4j off and the plain stdout logger: typed turns slf4j on, and the logger actor it then starts makes
 *       {@code ActorSystem.create} wait for a dispatcher that nobody drives yet;
 *   <li>no dead-letter listener, no shutdown hooks, no coordinated shutdown: nothing that would add actors or
 *       threads of its own.
 * </ul>
 */
final class DetConfig {
  private DetConfig() {}

  static Config forRuntime(String runtimeId) {
    assert runtimeId != null : "the deterministic runtime id " + runtimeId;
    assert runtimeId.startsWith("det-") : "the deterministic runtime id " + runtimeId;
    String pkg = DetConfig.class.getPackageName();
    String overrides =
        DetRuntime.REGISTRY.configKey() + " = \"" + runtimeId + "\"\n"
            + "pekko {\n"
            + "  use-slf4j = off\n"
            + "  loggers = [\"org.apache.pekko.event.Logging$StandardOutLogger\"]\n"
            + "  logging-filter = \"org.apache.pekko.event.DefaultLoggingFilter\"\n"
            + "  loglevel = WARNING\n"
            + "  stdout-loglevel = WARNING\n"
            + "  log-dead-letters = off\n"
            + "  log-dead-letters-during-shutdown = off\n"
            + "  jvm-shutdown-hooks = off\n"
            + LocalExtensions.CONFIG
            + "  coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
            + "  coordinated-shutdown.run-by-actor-system-terminate = off\n"
            + "  scheduler.implementation = \"" + pkg + ".VirtualTimeScheduler\"\n"
            + "  actor {\n"
            + "    default-dispatcher {\n"
            + "      type = \"" + pkg + ".DetDispatcherConfigurator\"\n"
            + "      executor = \"" + pkg + ".DetExecutorConfigurator\"\n"
            + "      throughput = 1\n"
            + "    }\n"
            + "    internal-dispatcher = ${pekko.actor.default-dispatcher}\n"
            + "    default-mailbox.mailbox-type = \"" + pkg + ".DetMailboxType\"\n"
            + "    typed.default-mailbox.mailbox-type = \"" + pkg + ".DetMailboxType\"\n"
            + "  }\n"
            + "}\n";
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }
}
