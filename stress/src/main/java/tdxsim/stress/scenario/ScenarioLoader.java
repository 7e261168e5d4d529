package tdxsim.stress.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.tdx.TdxModuleConfig;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.ext.Extensions;

/**
 * Loads a scenario: a HOCON file (Typesafe Config, already on Pekko's classpath) or a built-in name, into a
 * {@link Scenario}. The file is parsed on its own (no reference.conf, no system properties: a scenario must mean
 * the same everywhere; {@code include} is refused, since a trace carries the scenario's text and nothing it would
 * include), every key is type-checked, every number is bounded by what the model holds, unknown keys are refused,
 * and every problem is one line naming
 * the scenario and the key: {@code scenario small.conf: vcpus: expected a positive integer, got "x"}.
 *
 * <p>Format (every key but {@code vcpus} and {@code ranges-2m} is optional; defaults are those of
 * {@code VmConfig.empty}):
 * <pre>
 * name = small                        # default: the file's base name
 * description = "..."                 # free text, for ./tdxsim list
 * vcpus = 2
 * base-gfn = "0x100000"               # 2M aligned; integer or "0x..."
 * ranges-2m = 4                       # memslot size in 2M ranges; r0 .. r3 below
 * build-pages = [r0, "r0+1"]          # TDH.MEM.PAGE.ADD at build time (4K)
 * workloads = [                       # one list per vCPU
 *   [ { op = accept, at = r1, pages = 512 }                     # style = linux (default) | tolerant,
 *     { op = map-gpa, at = r1, pages = 4, to = shared }         #   max-level = 2M | 4K (tolerant only)
 *     { op = touch, at = "r1+4", pages = 2 }
 *     { op = prefetch, at = r3, pages = 512 } ]
 * ]
 * vmm = [ { op = punch-hole, at = r3, pages = 512 }, { op = convert, at = r2, pages = 512, to = shared }
 *         { op = nmi, count = 64 }    # a burst of host NMIs, each landing where the explorer puts it
 *         { op = interrupt }          # a device interrupt posted to every vCPU
 *         { op = delete-memslot, at = r3, pages = 512 } ]  # 2M aligned; move-memslot (with to) is -EINVAL
 * iommu-pinned = [ { at = r2, pages = 8 } ]
 * map-shared-into-users = true
 * split-cache-pages = 16              # pages the splits may still allocate (one per split); then -ENOMEM
 * options = [ v1-folio-refcount ]     # design options (also --option on the command line)
 * guest = linux                       # linux (default): SEPT_VE_DISABLE set, a touch of a PENDING page kills the
 *                                     #   VM; non-linux: SEPT_VE_DISABLE clear, #VE (touch-before-accept guests)
 * sept-ve-disable = true              # default: set for a Linux guest, clear for a non-Linux one
 * enhanced-demote-interruptibility = true
 * accept-2m-pages-per-step = 256
 * zero-step-threshold = 6
 * fail-page-remove = 0                # fault injection: the n-th TDH.MEM.PAGE.REMOVE fails (0 = never)
 * fail-page-wbinvd = 0                # fault injection: the n-th TDH.PHYMEM.PAGE.WBINVD fails (0 = never)
 * expect-violations = [kvm.bug-on]    # invariants expected to fire: counted, checking goes on past them
 * bounds { fault-retries = 256, accept-retries = 256, seamcall-retries = 128, lock-bypasses = 256,
 *          host-priority-accepts = 40000, invalidate-retries = 10000 }   # the last two: explained waits
 * </pre>
 */
public final class ScenarioLoader {
  /** The built-in scenarios, in {@code stress/src/main/resources/scenarios/<name>.conf}. */
  public static final List<String> BUILT_INS = List.of("default", "small", "race-r1", "race-r2", "race-r3",
      "race-r4", "race-r5", "race-r6", "race-r7", "race-r8", "race-r9", "race-r10", "race-r11", "race-r12",
      "nmi-demote", "remove-fails", "r9-adjacent", "r6-vm-attributes", "memory-fault",
      "teardown", "memslot-delete", "interrupt-retry", "map-gpa-chunks",
      "wbinvd-fails", "remove-fails-past");

  private static final Set<String> KEYS = Set.of("name", "description", "vcpus", "base-gfn", "ranges-2m",
      "build-pages", "workloads", "vmm", "iommu-pinned", "map-shared-into-users", "split-cache-pages", "options",
      "sept-ve-disable", "guest", "enhanced-demote-interruptibility", "accept-2m-pages-per-step", "zero-step-threshold",
      "fail-page-remove", "bounds", "expect-violations", "fail-page-wbinvd");
  private static final Set<String> BOUNDS_KEYS =
      Set.of("fault-retries", "accept-retries", "seamcall-retries", "lock-bypasses", "host-priority-accepts",
          "invalidate-retries");
  private static final long DEFAULT_BASE_GFN = 0x100000L;
  /** The largest memslot the model holds: its 4K pages are indexed with an int (GmemFile). */
  public static final int MAX_RANGES_2M = Integer.MAX_VALUE / 512;
  /** One past the last gfn of a 52-bit guest physical address space (MAXPHYADDR 52, TDX's GPAW 52). */
  static final long MAX_GFN = 1L << 40;
  private static final int DEFAULT_SPLIT_CACHE_PAGES = 64;

  private ScenarioLoader() {}

  /** A file path if one exists, else a built-in name ({@code small} or {@code small.conf}). */
  public static Scenario load(String nameOrFile) {
    Path p = Path.of(nameOrFile);
    if (Files.isRegularFile(p)) {
      try {
        return parse(nameOrFile, baseName(p.getFileName().toString()),
            Files.readString(p, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ScenarioException("scenario " + nameOrFile + ": cannot read: " + e.getMessage(), e);
      }
    }
    String name = baseName(nameOrFile);
    if (!BUILT_INS.contains(name)) {
      throw new ScenarioException("scenario " + nameOrFile + ": no such file or built-in scenario (built-ins: "
          + String.join(", ", BUILT_INS) + ")");
    }
    return parse(name + ".conf", name, builtInText(name));
  }

  /** {@link #load(String)} plus {@code --option} names. */
  public static Scenario load(String nameOrFile, List<String> options) {
    return load(nameOrFile).withOptions(options);
  }

  /** The text of a built-in scenario. */
  public static String builtInText(String name) {
    String res = "/scenarios/" + name + ".conf";
    try (InputStream in = ScenarioLoader.class.getResourceAsStream(res)) {
      if (in == null) throw new IllegalStateException("built-in scenario resource missing: " + res);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + res, e);
    }
  }

  /** The {@code description} of a built-in scenario (for {@code ./tdxsim list}), or "". */
  public static String description(String builtIn) {
    Config c = ConfigFactory.parseString(builtInText(builtIn));
    return c.hasPath("description") ? c.getString("description") : "";
  }

  /**
   * Parse scenario text. {@code source} names it in errors; {@code defaultName} is used when there is no
   * {@code name} key.
   */
  public static Scenario parse(String source, String defaultName, String text) {
    Config c;
    try {
      c = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
          .setOriginDescription(source).setIncluder(NoIncludes.INSTANCE)).resolve();
    } catch (ConfigException e) {
      throw new ScenarioException("scenario " + source + ": " + oneLine(e), e);
    }
    ConfigReader r = new ConfigReader(source, "", c.root());
    r.onlyKeys(KEYS);
    String name = r.string("name", defaultName);
    int vcpus = r.positiveInt("vcpus");
    if (vcpus > TdxModuleConfig.MAX_VCPUS_PER_TD) {
      throw r.error("vcpus", "a TD has at most " + TdxModuleConfig.MAX_VCPUS_PER_TD
          + " vCPUs (the TDX module's MAX_VCPUS_PER_TD), got " + vcpus);
    }
    int ranges = r.positiveInt("ranges-2m", MAX_RANGES_2M, "guest_memfd indexes the memslot's 4K pages with an int");
    long base = Addresses.absolute(r, "base-gfn", DEFAULT_BASE_GFN);
    if ((base & 511) != 0) throw r.error("base-gfn", String.format("0x%x is not 2M aligned", base));
    if (base + 512L * ranges > MAX_GFN) {
      throw r.error("ranges-2m", String.format("the memslot [0x%x, 0x%x) ends beyond gfn 0x%x (a 52-bit guest "
          + "physical address)", base, base + 512L * ranges, MAX_GFN));
    }
    Addresses addr = new Addresses(base, ranges);
    StepParser steps = new StepParser(addr);
    List<String> optionNames = r.strings("options");
    for (int i = 0; i < optionNames.size(); i++) {
      if (Extensions.installed().option(optionNames.get(i)).isEmpty()) {
        throw r.error("options[" + i + "]", "unknown design option \"" + optionNames.get(i) + "\" (known: "
            + Scenario.knownOptions() + ")");
      }
    }
    Bounds bounds = bounds(r.object("bounds")).withExpectedViolations(expectedViolations(r));
    try {
      VmConfig vm = new VmConfig(name, vcpus, base, ranges,
          steps.gfns(r, "build-pages"),
          steps.workloads(r, "workloads", vcpus),
          steps.vmmActions(r, "vmm"),
          steps.ranges(r, "iommu-pinned"),
          r.bool("map-shared-into-users", true),
          r.positiveInt("split-cache-pages", DEFAULT_SPLIT_CACHE_PAGES),
          Set.of(),
          septVeDisable(r),
          r.bool("enhanced-demote-interruptibility", true),
          accept2mPagesPerStep(r),
          r.nonNegativeInt("zero-step-threshold", TdxModuleConfig.STEPPING_EPF_THRESHOLD),
          r.nonNegativeInt("fail-page-remove", 0),
          r.nonNegativeInt("fail-page-wbinvd", 0));
      if (r.has("description")) r.string("description");
      return new Scenario(name, source, text, vm, bounds).withOptions(optionNames);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("scenario " + source + ": " + e.getMessage(), e);
    }
  }

  /**
   * SEPT_VE_DISABLE from the guest kind: a Linux guest panics at boot without it ("TD misconfiguration:
   * SEPT_VE_DISABLE attribute must be set"), so only a non-Linux guest (touch before ACCEPT, #VE) runs with it
   * clear [LNX tdx.c].
   */
  private static boolean septVeDisable(ConfigReader r) {
    boolean linux = "linux".equals(r.choice("guest", "linux", "linux", "non-linux"));
    boolean v = r.bool("sept-ve-disable", linux);
    if (linux && !v) {
      throw r.error("sept-ve-disable", "a Linux guest runs with SEPT_VE_DISABLE set (it panics at boot without"
          + " it); say guest = non-linux for a touch-before-accept guest");
    }
    return v;
  }

  private static int accept2mPagesPerStep(ConfigReader r) {
    int v = r.positiveInt("accept-2m-pages-per-step", TdxModuleConfig.DEFAULT_ACCEPT_2M_PAGES_PER_STEP);
    if (v > 512) throw r.error("accept-2m-pages-per-step", "expected 1..512, got " + v);
    return v;
  }

  /**
   * {@code expect-violations}: invariants the scenario expects to fire (the KVM_BUG_ON of an injected SEAMCALL
   * failure): counted and checked past; any other violation still ends the schedule.
   */
  private static Set<tdxsim.actors.invariants.Invariant> expectedViolations(ConfigReader r) {
    List<String> ids = r.strings("expect-violations");
    Set<tdxsim.actors.invariants.Invariant> s = new java.util.LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      var inv = tdxsim.actors.invariants.Invariant.byId(ids.get(i));
      if (inv.isEmpty()) {
        throw r.error("expect-violations[" + i + "]", "unknown invariant \"" + ids.get(i)
            + "\" (./tdxsim list shows the invariants)");
      }
      s.add(inv.get());
    }
    return s;
  }

  private static Bounds bounds(ConfigReader b) {
    if (b == null) return Bounds.DEFAULT;
    b.onlyKeys(BOUNDS_KEYS);
    Bounds d = Bounds.DEFAULT;
    return new Bounds(b.positiveInt("fault-retries", d.faultRetries()),
        b.positiveInt("accept-retries", d.acceptRetries()),
        b.positiveInt("seamcall-retries", d.seamcallRetries()),
        b.positiveInt("lock-bypasses", d.lockBypasses()),
        b.positiveInt("host-priority-accepts", d.hostPriorityAccepts()),
        b.positiveInt("invalidate-retries", d.invalidateRetries()));
  }

  private static String baseName(String file) {
    String f = Path.of(file).getFileName() == null ? file : Path.of(file).getFileName().toString();
    return f.endsWith(".conf") ? f.substring(0, f.length() - ".conf".length()) : f;
  }

  /** A HOCON syntax error as "line N: problem", without the origin Typesafe Config prefixes. */
  private static String oneLine(ConfigException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e.origin() != null) {
      String desc = e.origin().description();
      if (desc != null && msg.startsWith(desc)) msg = msg.substring(desc.length()).replaceFirst("^:\\s*", "");
      int line = e.origin().lineNumber();
      msg = msg.replaceFirst("^\\d+:\\s*", "");
      if (line > 0) msg = "line " + line + ": " + msg;
    }
    return msg.replace('\n', ' ');
  }
}
