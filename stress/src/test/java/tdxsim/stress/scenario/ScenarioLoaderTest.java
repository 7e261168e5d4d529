package tdxsim.stress.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.actors.vm.VmConfig;
import tdxsim.actors.vm.VmmAction;
import tdxsim.protocol.Level;

class ScenarioLoaderTest {
  static final String MINIMAL = "vcpus = 2\nranges-2m = 4\n";

  static ScenarioException bad(String text) {
    return assertThrows(ScenarioException.class, () -> ScenarioLoader.parse("t.conf", "t", text));
  }

  @Test
  void builtInsEqualTheConfigsTheModelDefines() {
    assertEquals(VmConfig.defaultScenario(), ScenarioLoader.load("default").config());
    assertEquals(VmConfig.small(), ScenarioLoader.load("small").config());
    assertEquals(VmConfig.small(), ScenarioLoader.load("small.conf").config());
    assertEquals("small.conf", ScenarioLoader.load("small").source());
  }

  @Test
  void defaultScenarioHasEveryFlowAtScale() {
    VmConfig c = ScenarioLoader.load("default").config();
    assertEquals(8, c.vcpus());
    assertTrue(c.ranges2M() >= 16);
    assertFalse(c.iommuPinned().isEmpty());
    assertTrue(c.vmmActions().stream().anyMatch(a -> a instanceof VmmAction.Convert));
    assertTrue(c.vmmActions().stream().anyMatch(a -> a instanceof VmmAction.PunchHole));
    assertTrue(c.workloads().stream().flatMap(List::stream).anyMatch(s -> s instanceof WorkloadStep.MapGpa));
  }

  @Test
  void everyResourceIsAListedBuiltInAndHasADescription() throws IOException, URISyntaxException {
    Path dir = Path.of(ScenarioLoader.class.getResource("/scenarios").toURI());
    Set<String> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    assertEquals(ScenarioLoader.BUILT_INS.stream().map(n -> n + ".conf").collect(Collectors.toSet()), files);
    for (String n : ScenarioLoader.BUILT_INS) assertFalse(ScenarioLoader.description(n).isBlank(), n);
  }

  @Test
  void minimalFileGetsTheDefaults() {
    Scenario s = ScenarioLoader.parse("t.conf", "t", MINIMAL);
    VmConfig e = VmConfig.empty("t", 2, 4);
    assertEquals(e, s.config());
    assertEquals(Bounds.DEFAULT, s.bounds());
    assertEquals("t", s.name());
  }

  @Test
  void addressesStepsOptionsAndBounds() {
    Scenario s = ScenarioLoader.parse("t.conf", "t", MINIMAL + """
        base-gfn = 0x200000
        build-pages = [r0, "r0 + 1", "0x200002", 2097155]
        workloads = [
          [ { op = accept, at = "r1+0x10", pages = 16 }
            { op = accept, style = tolerant, at = r2, pages = 512 }
            { op = accept, style = tolerant, at = r2, pages = 4, max-level = 4k }
            { op = map-gpa, at = r1, pages = 4, to = shared }
            { op = touch, at = r3, pages = 1 }
            { op = prefetch, at = r3, pages = 512 } ]
        ]
        vmm = [ { op = convert, at = r2, pages = 512, to = private }, { op = punch-hole, at = r3, pages = 1 } ]
        iommu-pinned = [ { at = r1, pages = 8 } ]
        options = [ v1-folio-refcount ]
        bounds { fault-retries = 5 }
        """.replace("0x200000", "\"0x200000\""));
    VmConfig c = s.config();
    long b = 0x200000;
    assertEquals(List.of(b, b + 1, b + 2, b + 3), c.buildPages());
    assertEquals(List.of(
        WorkloadStep.Accept.linux(b + 512 + 16, 16),
        WorkloadStep.Accept.tolerant(b + 1024, 512, Level.PG_LEVEL_2M),
        WorkloadStep.Accept.tolerant(b + 1024, 4, Level.PG_LEVEL_4K),
        new WorkloadStep.MapGpa(b + 512, 4, true),
        new WorkloadStep.Touch(b + 1536, 1),
        new WorkloadStep.Prefetch(b + 1536, 512)), c.workloads().get(0));
    assertEquals(List.of(), c.workloads().get(1));
    assertEquals(List.of(new VmmAction.Convert(b + 1024, 512, true), new VmmAction.PunchHole(b + 1536, 1)),
        c.vmmActions());
    assertEquals(Set.of(DesignOption.V1_FOLIO_REFCOUNT), c.options());
    assertEquals(new Bounds(5, Bounds.DEFAULT.acceptRetries(), Bounds.DEFAULT.seamcallRetries(),
        Bounds.DEFAULT.lockBypasses()), s.bounds());
  }

  @Test
  void commandLineOptionsAddToTheFilesOptions() {
    Scenario s = ScenarioLoader.load("small", List.of("failable-notifier", "V1_PREFETCH_4K"));
    assertEquals(Set.of(DesignOption.FAILABLE_NOTIFIER, DesignOption.V1_PREFETCH_4K), s.config().options());
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> ScenarioLoader.load("small", List.of("v9-magic")));
    assertEquals("option v9-magic: unknown design option (known: " + Scenario.knownOptions() + ")", e.getMessage());
    assertTrue(Scenario.knownOptions().startsWith("v1-folio-refcount, v1-ignore-shared-split, v1-prefetch-4k, "
        + "failable-notifier, mut-demote-shared-lock, "), Scenario.knownOptions());
  }

  @Test
  void fileOnDiskIsLoadedByPath(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("mine.conf");
    Files.writeString(f, MINIMAL);
    Scenario s = ScenarioLoader.load(f.toString());
    assertEquals("mine", s.name());
    assertEquals(f.toString(), s.source());
    Files.writeString(f, "vcpus = x\nranges-2m = 4\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(f.toString()));
    assertEquals("scenario " + f + ": vcpus: expected a positive integer, got \"x\"", e.getMessage());
  }

  @Test
  void unknownScenarioNameIsRefused() {
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load("nope"));
    assertEquals("scenario nope: no such file or built-in scenario (built-ins: "
        + String.join(", ", ScenarioLoader.BUILT_INS) + ")", e.getMessage());
    assertTrue(ScenarioLoader.BUILT_INS.containsAll(List.of("default", "small", "race-r1", "race-r12")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "vcpus = x|vcpus: expected a positive integer, got \"x\"",
      "vcpus = 0|vcpus: expected a positive integer, got 0",
      "vcpus = 1.5|vcpus: expected a positive integer, got 1.5",
      "vcpus = 577|vcpus: a TD has at most 576 vCPUs (the TDX module's MAX_VCPUS_PER_TD), got 577",
      "vcpu = 3|vcpu: unknown key (known: accept-2m-pages-per-step, base-gfn, bounds, build-pages, description, "
          + "enhanced-demote-interruptibility, expect-violations, fail-page-remove, fail-page-wbinvd, guest, iommu-pinned, "
          + "map-shared-into-users, name, options, "
          + "ranges-2m, "
          + "sept-ve-disable, split-cache-pages, vcpus, vmm, workloads, zero-step-threshold)",
      "base-gfn = \"0x100001\"|base-gfn: 0x100001 is not 2M aligned",
      "base-gfn = banana|base-gfn: expected a gfn (an integer or \"0x...\"), got \"banana\"",
      "build-pages = [r9]|build-pages[0]: range r9 does not exist (ranges-2m = 4)",
      "build-pages = [\"r3+512\"]|build-pages[0]: gfn 0x100800 is outside the memslot [0x100000, 0x100800)",
      "build-pages = r0|build-pages: expected a list, got \"r0\"",
      "workloads = [[{ op = jump, at = r0, pages = 1 }]]|workloads[0][0].op: expected one of accept, touch, "
          + "map-gpa, prefetch, got \"jump\"",
      "workloads = [[{ at = r0, pages = 1 }]]|workloads[0][0].op: missing (one of accept, touch, map-gpa, prefetch)",
      "workloads = [[{ op = touch, at = r0 }]]|workloads[0][0].pages: missing",
      "workloads = [[{ op = touch, at = r3, pages = 513 }]]|workloads[0][0].pages: [0x100600, 0x100801) runs past "
          + "the end of the memslot 0x100800",
      "workloads = [[{ op = touch, at = r0, pages = 1, speed = 2 }]]|workloads[0][0].speed: unknown key (known: at, "
          + "op, pages)",
      "workloads = [[{ op = map-gpa, at = r0, pages = 1 }]]|workloads[0][0].to: missing (shared or private)",
      "workloads = [[{ op = accept, at = r0, pages = 1, max-level = 2M }]]|workloads[0][0].max-level: a Linux "
          + "guest always starts at 1G (omit max-level or use style = tolerant)",
      "workloads = [[], [], []]|workloads: has 3 workloads but vcpus = 2",
      "workloads = [ 5 ]|workloads[0]: expected a list of steps (the workload of vcpu-0), got 5",
      "workloads = [ [ 5 ] ]|workloads[0][0]: expected an object { ... }, got 5",
      "vmm = [{ op = convert, at = r0, pages = 1, to = sideways }]|vmm[0].to: expected one of shared, private, got "
          + "\"sideways\"",
      "map-shared-into-users = yes please|map-shared-into-users: expected true or false, got \"yes please\"",
      "accept-2m-pages-per-step = 513|accept-2m-pages-per-step: expected 1..512, got 513",
      "bounds { fault-retry = 3 }|bounds.fault-retry: unknown key (known: accept-retries, fault-retries, "
          + "host-priority-accepts, invalidate-retries, lock-bypasses, seamcall-retries)",
      "bounds = 3|bounds: expected an object { ... }, got 3",
      "expect-violations = [kvm.bug-on, nope]|expect-violations[1]: unknown invariant \"nope\" (./tdxsim list"
          + " shows the invariants)"})
  void badKeysAreRefusedInOneLineNamingTheKey(String line, String problem) {
    ScenarioException e = bad(MINIMAL + line + "\n");
    assertEquals("scenario t.conf: " + problem, e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void unknownOptionInTheFileListsEveryKnownOne() {
    assertEquals("scenario t.conf: options[0]: unknown design option \"v2-magic\" (known: "
        + Scenario.knownOptions() + ")", bad(MINIMAL + "options = [v2-magic]\n").getMessage());
  }

  @Test
  void everyBuiltInLoadsWithADescription() {
    for (String b : ScenarioLoader.BUILT_INS) {
      assertEquals(b, ScenarioLoader.load(b).name());
      assertFalse(ScenarioLoader.description(b).isBlank(), b);
    }
  }

  @Test
  void nmiBurstsAndRemoveFaultInjectionAreScenarioKeys() {
    Scenario s = ScenarioLoader.load("nmi-demote");
    assertEquals(List.of(new VmmAction.Nmi(16)), s.config().vmmActions());
    assertFalse(s.config().enhancedDemoteInterruptibility());
    assertEquals(1, ScenarioLoader.load("remove-fails").config().failPageRemove());
    assertEquals(0, ScenarioLoader.load("race-r8").config().failPageRemove());
    assertEquals(1, ScenarioLoader.load("wbinvd-fails").config().failPageWbinvd());
    assertEquals(java.util.Set.of(tdxsim.actors.invariants.Invariant.KVM_BUG_ON),
        ScenarioLoader.load("remove-fails-past").bounds().expectedViolations());
    assertEquals("scenario t.conf: vmm[0].count: missing",
        bad(MINIMAL + "vmm = [ { op = nmi } ]\n").getMessage());
  }

  @Test
  void missingRequiredKeyAndSyntaxErrors() {
    assertEquals("scenario t.conf: ranges-2m: missing", bad("vcpus = 2\n").getMessage());
    String syntax = bad("vcpus = 2\nranges-2m = [\n").getMessage();
    assertTrue(syntax.startsWith("scenario t.conf: line "), syntax);
    assertFalse(syntax.contains("\n"));
  }

  @Test
  void crossFieldRulesOfVmConfigBecomeOneLine() {
    // VmConfig itself refuses build pages outside the memslot; the loader catches it earlier with the key
    ScenarioException e = bad(MINIMAL + "build-pages = [\"0x90\"]\n");
    assertEquals("scenario t.conf: build-pages[0]: gfn 0x90 is outside the memslot [0x100000, 0x100800)",
        e.getMessage());
  }
}
