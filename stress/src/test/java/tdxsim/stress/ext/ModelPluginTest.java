package tdxsim.stress.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tdxsim.actors.invariants.Invariant;
import tdxsim.actors.options.ActorPatch;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.VcpuMsg;
import tdxsim.stress.cli.CliRun;
import tdxsim.stress.scenario.ScenarioLoader;

/** The model's options and invariants as one plugin of the registry, found and used as a user's plugin is. */
class ModelPluginTest {
  @Test
  void serviceLoaderFindsTheModelsOwnPluginFirstAndTracesDoNotNameIt() {
    // found as a user's plugin is: tdxsim's own META-INF/services entry
    assertTrue(java.util.ServiceLoader.load(TdxSimPlugin.class, getClass().getClassLoader()).stream()
        .anyMatch(p -> p.type() == ModelPlugin.class));
    Extensions e = Extensions.load(getClass().getClassLoader());
    assertTrue(e.plugins().get(0) instanceof ModelPlugin, e.plugins().toString());
    assertEquals(ModelVersion.VERSION, e.plugins().get(0).version());
    assertEquals(List.of(), e.traceEntries());
    assertEquals(Arrays.stream(DesignOption.values()).map(DesignOption::cliName).toList(),
        e.options().stream().map(DesignChange::name).toList());
    assertEquals(Arrays.stream(Invariant.values()).map(Invariant::id).toList(),
        e.invariants().stream().map(UserInvariant::id).toList());
    assertEquals(List.of(), Extensions.none().checked(), "the model's invariants are its checker's");
  }

  @Test
  void aBuiltInIsFoundByNameConstantOrAliasAndSetsOnlyItsFlag() {
    Extensions e = Extensions.none();
    assertEquals("failable-notifier", e.option("mut-notifier-no-rollback").orElseThrow().name());
    assertEquals("mut-skip-block", e.option("MUT_SKIP_BLOCK").orElseThrow().name());
    Extensions chosen = e.choose("mut-notifier-no-rollback").choose("mut-skip-kick");
    assertEquals(List.of("failable-notifier", "mut-skip-kick"), chosen.chosen());
    assertSame(ActorPatch.NONE, chosen.patch(), "a built-in changes no behaviour as spawned, only its flag");
    var config = ScenarioLoader.load("small").config();
    assertEquals(EnumSet.of(DesignOption.FAILABLE_NOTIFIER, DesignOption.MUT_SKIP_KICK),
        chosen.configure(config, chosen.chosen()).options());
    assertEquals(config.withOptions(EnumSet.of(DesignOption.MUT_SKIP_KICK)),
        ScenarioLoader.load("small").withOptions(List.of("mut-skip-kick")).config());
  }

  @Test
  void aPluginMayNotTakeABuiltInsNameAliasOrInvariantNorTheModelsName() {
    DesignChange<VcpuMsg> alias = new DesignChange<>("mut-notifier-no-rollback", "x", "vcpu-*", VcpuMsg.class,
        (b, s) -> b);
    assertThrows(IllegalArgumentException.class, () -> TdxSimPlugin.builder("p", "1").option(alias).build());
    UserInvariant twice = new UserInvariant(Invariant.values()[0].id(), "x", c -> o -> {});
    assertThrows(IllegalArgumentException.class, () -> TdxSimPlugin.builder("p", "1").invariant(twice).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TdxSimPlugin.builder(ModelPlugin.NAME, "9").build());
    assertEquals("plugin name tdxsim is the model's own", e.getMessage());
  }

  @Test
  void aUsersOptionOnEveryActorAppliesToAnyProtocolAsABuiltInDoes() {
    DesignChange<Object> every = new DesignChange<>("acme-every", "x", "*", Object.class,
        (b, site) -> Behaviors.intercept(() -> new org.apache.pekko.actor.typed.BehaviorInterceptor<>(Object.class) {
          @Override
          public org.apache.pekko.actor.typed.Behavior<Object> aroundReceive(
              org.apache.pekko.actor.typed.TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> t) {
            return t.apply(ctx, msg);
          }
        }, b));
    assertTrue(every.changesBehaviour());
    var spawned = Behaviors.<MmuLockMsg>empty();
    assertTrue(every.applyTo("mmu-lock", MmuLockMsg.class, spawned, null) != spawned);
    assertTrue(every.applyTo("vcpu-3", VcpuMsg.class, Behaviors.<VcpuMsg>empty(), null) != null);
  }

  @Test
  void listShowsBuiltInsAndPluginsFromTheOneRegistry() {
    CliRun r = CliRun.of("list", "--json");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("  mut-skip-kick "), r.out());
    assertTrue(r.out().contains("mutation 7: tdx_track without the vCPU kick"), r.out());
    assertTrue(r.out().contains("(alias mut-notifier-no-rollback = mutation 5)"), r.out());
    assertTrue(r.lastLine().contains("\"plugins\":[]"), r.lastLine());
  }
}
