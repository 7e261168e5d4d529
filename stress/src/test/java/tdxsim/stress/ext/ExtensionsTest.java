package tdxsim.stress.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.VcpuMsg;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;

class ExtensionsTest {
  @TempDir Path dir;

  @Test
  void serviceLoaderFindsAPluginNamedInMetaInfServices() throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(TdxSimPlugin.class.getName()), AcmePlugin.class.getName() + "\n");
    try (URLClassLoader l = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Extensions e = Extensions.load(l);
      assertEquals(List.of("plugin:acme@1.0"), e.traceEntries());
      assertEquals("acme 1.0", e.pluginOf(AcmePlugin.INVARIANT));
      assertTrue(e.option("acme-writer-beside-readers").isPresent());
    }
  }

  @Test
  void aScenarioTakesPluginOptionsByNameAndRefusesAMissingPlugin() {
    var s = ScenarioLoader.load("small").withPlugin(new AcmePlugin()).withOptions(List.of("acme-writer-beside-readers",
        "plugin:acme@1.0", "v1-prefetch-4k"));
    // one registry: the built-in is chosen like the plugin's, and sets its flag
    assertEquals(List.of("acme-writer-beside-readers", "v1-prefetch-4k"), s.extensions().chosen());
    assertEquals(java.util.Set.of(tdxsim.actors.options.DesignOption.V1_PREFETCH_4K), s.config().options());
    ScenarioException missing = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load("small").withOptions(List.of("plugin:zeta@2")));
    assertEquals("needs plugin zeta 2, which is not on the class path (./tdxsim --plugin JAR, or TDXSIM_CLASSPATH)",
        missing.getMessage());
    ScenarioException other = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load("small").withPlugin(new AcmePlugin()).withOptions(List.of("plugin:acme@2.0")));
    assertEquals("needs plugin acme 2.0, but acme 1.0 is installed", other.getMessage());
  }

  @Test
  void aTraceWhoseScenarioTextNamesAMissingPluginsOptionIsRefusedNamingThePlugin() throws Exception {
    String text = new String(ScenarioLoader.class.getResourceAsStream("/scenarios/small.conf").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8) + "\noptions = [acme-writer-beside-readers]\n";
    ScenarioException e = assertThrows(ScenarioException.class, () -> Worlds.scenarioOf(
        new tdxsim.stress.trace.Trace.Scenario("mine", text), List.of("plugin:acme@1.0")));
    assertEquals("needs plugin acme 1.0, which is not on the class path (./tdxsim --plugin JAR, or TDXSIM_CLASSPATH)",
        e.getMessage());
  }

  @Test
  void clashesBadNamesAndAnotherObservationApiAreRefused() {
    DesignChange<VcpuMsg> clash = new DesignChange<>("mut-skip-kick", "x", "vcpu-*", VcpuMsg.class, (b, s) -> b);
    assertThrows(IllegalArgumentException.class, () -> TdxSimPlugin.builder("p", "1").option(clash).build());
    assertThrows(IllegalArgumentException.class, () -> TdxSimPlugin.builder("P Q", "1").build());
    TdxSimPlugin old = new TdxSimPlugin() {
      public String name() {
        return "old";
      }

      public String version() {
        return "1";
      }

      public int observationApi() {
        return 0;
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Extensions.none().withPlugin(old));
    assertTrue(e.getMessage().contains("observation API 0"), e.getMessage());
  }

  @Test
  void aChangeForAnotherProtocolIsRefusedAtSpawn() {
    DesignChange<MmuLockMsg> wrong = new DesignChange<>("wrong", "x", "vcpu-0", MmuLockMsg.class, (b, s) -> b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> wrong.applyTo("vcpu-0", VcpuMsg.class, null, null));
    assertEquals("design option wrong: actor vcpu-0 speaks VcpuMsg, not MmuLockMsg", e.getMessage());
    assertTrue(wrong.appliesTo("vcpu-0"));
  }
}
