package tdxsim.stress.parallel;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The Pekko configuration of parallel mode, built in code (like the deterministic one) so that neither mode leaks
 * into the other through a classpath {@code application.conf}:
 *
 * <ul>
 *   <li>the default dispatcher runs on this package's pool ({@link ParExecutorConfigurator}, one thread per core
 *       by default) with Pekko's usual {@code throughput}; the internal dispatcher stays Pekko's own;
 *   <li>the recording mailbox on both default mailboxes (typed actors read {@code typed.default-mailbox});
 *   <li>logging through slf4j and logback ({@code stress/config/logback.xml}, which the launcher names: warnings, on standard error);
 *   <li>no JVM shutdown hook of Pekko's: on Ctrl-C the stress command's own hook stops the run, writes the
 *       summary and the record, and only then terminates the system.
 * </ul>
 */
final class ParConfig {
  private ParConfig() {}

  static Config forRuntime(String runtimeId, int throughput) {
    assert runtimeId != null : "runtime " + runtimeId;
    assert runtimeId.startsWith("par-") : "runtime " + runtimeId;
    assert throughput >= 1 : "runtime " + runtimeId;
    String pkg = ParConfig.class.getPackageName();
    String overrides =
        ParRuntime.REGISTRY.configKey() + " = \"" + runtimeId + "\"\n"
            + "pekko {\n"
            + "  use-slf4j = on\n"
            + "  loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
            + "  logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"\n"
            + "  loglevel = WARNING\n"
            + "  stdout-loglevel = WARNING\n"
            + "  log-dead-letters = off\n"
            + "  log-dead-letters-during-shutdown = off\n"
            + "  jvm-shutdown-hooks = off\n"
            + tdxsim.stress.runtime.LocalExtensions.CONFIG
            + "  coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
            + "  actor {\n"
            + "    default-dispatcher {\n"
            + "      executor = \"" + pkg + ".ParExecutorConfigurator\"\n"
            + "      throughput = " + throughput + "\n"
            + "    }\n"
            + "    default-mailbox.mailbox-type = \"" + pkg + ".ParMailboxType\"\n"
            + "    typed.default-mailbox.mailbox-type = \"" + pkg + ".ParMailboxType\"\n"
            + "  }\n"
            + "}\n";
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }
}
