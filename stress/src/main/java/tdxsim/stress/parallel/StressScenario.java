package tdxsim.stress.parallel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.tdx.TdxModuleConfig;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.actors.vcpu.WorkloadStep.Accept;
import tdxsim.actors.vcpu.WorkloadStep.MapGpa;
import tdxsim.actors.vcpu.WorkloadStep.Touch;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.scenario.Scenario;

/**
 * The generated scenario of {@code ./tdxsim stress}: N vCPUs on a host of TDs of {@code tdVcpus} vCPUs each (the last
 * one may have fewer). A TD has at most MAX_VCPUS_PER_TD (576) vCPUs, so thousands of vCPUs are many TDs, as on a
 * real host; TDs share nothing the model has, so they run in parallel. Within a TD every vCPU works on pages of its
 * own (so that work on different ranges proceeds in parallel, as in KVM, meeting only at the TD's mmu_lock, TDX
 * module and guest_memfd), with a repeating workload. Each vCPU owns a 2M range and ACCEPTs it at 2M (the fault maps
 * it with PAGE.AUG at 2M; the first ACCEPT exit splits under the write lock and sets GUEST_INHIBIT); converting vCPUs
 * then split it to 4K with DEMOTE on their first conversion.
 *
 * <p>Then {@code cycles} times: touch {@code touchPages} of its accepted pages (guest memory traffic through the TDX
 * module), and, on every {@code convertEvery}-th vCPU of a TD, convert 4 pages to shared and back (MapGPA through the
 * VMM and guest_memfd: zaps with BLOCK/TRACK/REMOVE and a kick of every vCPU of the TD, the guest's 4K re-ACCEPTs
 * and their faults with PAGE.AUG at 4K) and touch them.
 *
 * <p>The model's workloads are finite lists, so "repeating" means {@code cycles} references to the same few step
 * objects ({@link #cyclesFor} sizes it to outlast the run); a vCPU that finishes early idles. TDs of the same size
 * share one {@link VmConfig}. A record names the scenario by its spec, {@code "stress: vcpus=1000 td-vcpus=64
 * cycles=360 convert-every=8 touch-pages=64"}, from which {@link #fromSource} rebuilds the identical host
 * (and checker bounds).
 */
public final class StressScenario {
  public static final String NAME = "stress";
  private static final String PREFIX = "stress:";
  private static final long BASE_GFN = 0x100000L;
  /** Distinct touch and conversion steps per vCPU, used in turn. */
  private static final int VARIANTS = 8;
  /** vCPUs per TD by default: a host of mid-sized TDs. */
  public static final int DEFAULT_TD_VCPUS = 64;

  /** The generated scenario's parameters. */
  public record Spec(int vcpus, int tdVcpus, int cycles, int convertEvery, int touchPages) {
    public Spec {
      if (vcpus < 1) throw new IllegalArgumentException("vcpus must be positive");
      if (tdVcpus < 1 || tdVcpus > TdxModuleConfig.MAX_VCPUS_PER_TD) {
        throw new IllegalArgumentException("td-vcpus must be in 1.." + TdxModuleConfig.MAX_VCPUS_PER_TD
            + " (the TDX module's MAX_VCPUS_PER_TD), got " + tdVcpus);
      }
      if (cycles < 1) throw new IllegalArgumentException("cycles must be positive");
      if (convertEvery < 0) throw new IllegalArgumentException("convert-every must be >= 0 (0: no conversions)");
      if (touchPages < 1 || touchPages > 256) throw new IllegalArgumentException("touch-pages must be in 1..256");
    }

    public String source() {
      return String.format(Locale.ROOT, "%s vcpus=%d td-vcpus=%d cycles=%d convert-every=%d touch-pages=%d", PREFIX,
          vcpus, tdVcpus, cycles, convertEvery, touchPages);
    }

    /** TDs of the host. */
    public int tds() {
      return (vcpus + tdVcpus - 1) / tdVcpus;
    }
  }

  private StressScenario() {}

  /** The default spec for {@code vcpus} (in TDs of {@code tdVcpus}) and a run of {@code duration}. */
  public static Spec spec(int vcpus, int tdVcpus, Duration duration) {
    return new Spec(vcpus, tdVcpus, cyclesFor(vcpus, tdVcpus, duration), 8, 64);
  }

  /** {@link #spec(int, int, Duration)} with TDs of {@value #DEFAULT_TD_VCPUS} vCPUs. */
  public static Spec spec(int vcpus, Duration duration) {
    return spec(vcpus, DEFAULT_TD_VCPUS, duration);
  }

  /**
   * Cycles per vCPU that outlast {@code duration} where they can: enough for 16 M messages per second in all (more
   * than this runtime manages on a small machine) with a factor 2 to spare, but at most 16 M workload steps in the
   * (at most two) distinct TD configs, whose lists every TD of the same size shares (each step costs a reference:
   * 64 MB), at least 8.
   */
  public static int cyclesFor(int vcpus, int tdVcpus, Duration duration) {
    long s = Math.max(1, duration.toSeconds());
    long messagesPerCycle = 128;
    long want = 2 * 16_000_000L * s / ((long) vcpus * messagesPerCycle);
    long cap = 16_000_000L * 2 / 3 / (2L * Math.min(vcpus, tdVcpus));
    return (int) Math.max(8, Math.min(1_000_000, Math.min(want, cap)));
  }


  public static boolean isSource(String source) {
    return source != null && source.startsWith(PREFIX);
  }

  /** Rebuilds the scenario from a record's (or trace's) source; options as given on the command line. */
  public static Scenario fromSource(String source, Collection<String> options) {
    if (!isSource(source)) throw new IllegalArgumentException("not a stress scenario spec: " + source);
    Map<String, Integer> kv = new LinkedHashMap<>();
    for (String part : source.substring(PREFIX.length()).trim().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("stress scenario spec: '" + part + "' is not key=value");
      try {
        kv.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("stress scenario spec: '" + part + "' is not key=integer");
      }
    }
    Spec spec = new Spec(req(kv, "vcpus"), req(kv, "td-vcpus"), req(kv, "cycles"), req(kv, "convert-every"),
        req(kv, "touch-pages"));
    return scenario(spec, options);
  }

  private static int req(Map<String, Integer> kv, String key) {
    Integer v = kv.get(key);
    if (v == null) throw new IllegalArgumentException("stress scenario spec: missing " + key);
    return v;
  }

  public static Scenario scenario(Spec spec, Collection<String> options) {
    return new Scenario(NAME, spec.source(), tds(spec), bounds(Math.min(spec.vcpus(), spec.tdVcpus())))
        .withOptions(options);
  }

  /** The host's TDs: full ones share one config, a smaller last one has its own. */
  static List<VmConfig> tds(Spec spec) {
    int full = spec.vcpus() / spec.tdVcpus();
    int rest = spec.vcpus() % spec.tdVcpus();
    List<VmConfig> tds = new ArrayList<>(spec.tds());
    if (full > 0) tds.addAll(Collections.nCopies(full, config(spec, spec.tdVcpus())));
    if (rest > 0) tds.add(config(spec, rest));
    return tds;
  }

  /**
   * The checkers' bounds for TDs of {@code vcpus}: the default ones, except that the mmu_lock starvation bound
   * counts every acquisition while an exclusive waiter waits, including those of waiters queued before it, so with N
   * vCPUs taking the lock for write at once (every first 2M ACCEPT splits under it) it must exceed N.
   */
  static Bounds bounds(int vcpus) {
    Bounds d = Bounds.DEFAULT;
    return new Bounds(d.faultRetries(), d.acceptRetries(), d.seamcallRetries(),
        (int) Math.max(d.lockBypasses(), Math.min(Integer.MAX_VALUE, 4L * vcpus + 64)));
  }

  /** One TD of {@code n} vCPUs. */
  static VmConfig config(Spec spec, int n) {
    // range 0 holds the TD's initial image (PAGE.ADD at build time); vCPU i owns range 1 + i
    int ranges = 1 + n;
    List<List<WorkloadStep>> workloads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long a = BASE_GFN + 512L * (1 + i);
      boolean converter = spec.convertEvery() > 0 && i % spec.convertEvery() == 0;
      // a few distinct step objects per vCPU, referenced many times: the list costs one reference per step
      Touch[] touches = new Touch[VARIANTS];
      MapGpa[] toShared = new MapGpa[VARIANTS];
      MapGpa[] toPrivate = new MapGpa[VARIANTS];
      Touch[] touchConverted = new Touch[VARIANTS];
      for (int v = 0; v < VARIANTS; v++) {
        touches[v] = new Touch(a + (long) v * 32 % (512 - spec.touchPages() + 1), spec.touchPages());
        long o = a + 256 + v * 8L;
        toShared[v] = new MapGpa(o, 4, true);
        toPrivate[v] = new MapGpa(o, 4, false);
        touchConverted[v] = new Touch(o, 4);
      }
      WorkloadStep[] steps = new WorkloadStep[1 + spec.cycles() * (converter ? 4 : 1)];
      int k = 0;
      steps[k++] = Accept.linux(a, 512);
      for (int j = 0; j < spec.cycles(); j++) {
        int v = j % VARIANTS;
        steps[k++] = touches[v];
        if (converter) {
          steps[k++] = toShared[v];
          steps[k++] = toPrivate[v];
          steps[k++] = touchConverted[v];
        }
      }
      workloads.add(List.of(steps));
    }
    return new VmConfig(NAME, n, BASE_GFN, ranges, List.of(BASE_GFN, BASE_GFN + 1), workloads, List.of(), List.of(),
        true, 2 * ranges + 16, EnumSet.noneOf(DesignOption.class), false, true,
        TdxModuleConfig.DEFAULT_ACCEPT_2M_PAGES_PER_STEP, TdxModuleConfig.STEPPING_EPF_THRESHOLD);
  }
}
