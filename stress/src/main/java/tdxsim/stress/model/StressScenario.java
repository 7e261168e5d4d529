package tdxsim.stress.model;

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
import tdxsim.protocol.Level;
import tdxsim.stress.scenario.Scenario;

/**
 * The generated scenario of {@code ./tdxsim stress}: N vCPUs on a host of TDs of {@code tdVcpus} vCPUs each (the last
 * one may have fewer). A TD has at most MAX_VCPUS_PER_TD (576) vCPUs, so thousands of vCPUs are many TDs, as on a
 * real host; TDs share nothing the model has, so they run in parallel.
 *
 * <p>The load cycles through the whole life of 2M ranges. In v3 a 2M range splits at most once in a TD's life:
 * GUEST_INHIBIT is one-way, zaps leave the mirror's page tables in place, and a mirror root never promotes, so a
 * range once split is mapped at 4K for good [S5-40, P3-06]. Splitting goes on only on ranges the TD has not used
 * yet, and, on a host, in TDs that start afresh: the stress run starts the host afresh whenever every workload has
 * ended (a new generation: new TDs, fresh guest_memfd folios; see {@link tdxsim.stress.parallel.StressRun}). Each vCPU's workload is
 * {@code lives} times:
 * <ol>
 *   <li>with its partner (vCPUs 2p and 2p+1), ACCEPT the same 16 pages at 4K at once, in the 2M range of the TD's
 *       image (mapped at 4K since PAGE.ADD; pairs may meet there too), as a tolerant guest
 *       (TDX_PAGE_ALREADY_ACCEPTED is success, BUSY is retried): the faults race for the PAGE.AUG
 *       (FROZEN_SPTE), the ACCEPTs for the entry lock (TDX_OPERAND_BUSY); both touch them;</li>
 *   <li>(every {@code splitEvery}-th vCPU of a TD) ACCEPT a fresh 2M range of its own (Linux: 2M; the fault maps
 *       it with PAGE.AUG at 2M) and split it, every other life by ACCEPTing one page of it at 4K (an ACCEPT-level
 *       split: the write lock, BLOCK, TRACK, DEMOTE, GUEST_INHIBIT), else by its first conversion; touch pages of
 *       it; then {@code conversions} times convert 4 pages of it to shared and back (MapGPA through the VMM and
 *       guest_memfd: DEMOTE if still 2M, zaps with BLOCK/TRACK/REMOVE and a kick of every vCPU of the TD, the
 *       guest's 4K re-ACCEPTs) and touch them;</li>
 *   <li>(the first vCPU of each pair) ACCEPT a fresh 2M range at 2M, touch it and give the whole 2M-aligned range
 *       back: MapGPA to shared (one zap of the 2M leaf; the range leaves the private side of guest_memfd).</li>
 * </ol>
 * A vCPU touches only pages it accepted and did not convert since. TDs of the same size share one
 * {@link VmConfig}. A record names the scenario by its spec, {@code "stress: vcpus=1000 td-vcpus=64 lives=1
 * split-every=16 conversions=2 touch-pages=8"}, from which {@link #fromSource} rebuilds the identical host (and
 * checker bounds).
 */
public final class StressScenario {
  public static final String NAME = "stress";
  private static final String PREFIX = "stress:";
  private static final long BASE_GFN = 0x100000L;
  /** vCPUs per TD by default: a host of mid-sized TDs. */
  public static final int DEFAULT_TD_VCPUS = 64;
  /** Pages of the pair's shared range both vCPUs ACCEPT at 4K at once, per life. */
  private static final int SHARED_PAGES = 16;

  /**
   * The generated scenario's parameters.
   *
   * @param lives range lives per vCPU in a TD's life (one generation): each takes two fresh 2M ranges
   * @param splitEvery every this many vCPUs of a TD one splits a range per life (the others do the rest of a life):
   *     a range split to 4K costs the model about 140 KB of heap until its TD ends
   * @param conversions 4-page round trips to shared and back per life of a splitting vCPU
   * @param touchPages pages per touch
   */
  public record Spec(int vcpus, int tdVcpus, int lives, int splitEvery, int conversions, int touchPages) {
    public Spec {
      if (vcpus < 1) throw new IllegalArgumentException("vcpus must be positive");
      if (tdVcpus < 1 || tdVcpus > TdxModuleConfig.MAX_VCPUS_PER_TD) {
        throw new IllegalArgumentException("td-vcpus must be in 1.." + TdxModuleConfig.MAX_VCPUS_PER_TD
            + " (the TDX module's MAX_VCPUS_PER_TD), got " + tdVcpus);
      }
      if (lives < 1 || lives > 32) throw new IllegalArgumentException("lives must be in 1..32");
      if (splitEvery < 1) throw new IllegalArgumentException("split-every must be positive");
      if (conversions < 0 || conversions > 16) throw new IllegalArgumentException("conversions must be in 0..16");
      if (touchPages < 1 || touchPages > 128) throw new IllegalArgumentException("touch-pages must be in 1..128");
    }

    public String source() {
      assert vcpus >= 1 : "spec of " + vcpus + " vCPUs";
      assert tdVcpus >= 1 : "spec of " + vcpus + " vCPUs";
      return String.format(Locale.ROOT,
          "%s vcpus=%d td-vcpus=%d lives=%d split-every=%d conversions=%d touch-pages=%d", PREFIX, vcpus, tdVcpus,
          lives, splitEvery, conversions, touchPages);
    }

    /** TDs of the host. */
    public int tds() {
      assert (long) tdVcpus * ((vcpus + tdVcpus - 1) / tdVcpus) >= vcpus : "TDs too few for " + vcpus + " vCPUs";
      return (vcpus + tdVcpus - 1) / tdVcpus;
    }
  }

  private StressScenario() {}

  /**
   * The default spec for {@code vcpus} in TDs of {@code tdVcpus}: 1 life per generation, every 16th vCPU splits
   * (a split range holds about 140 KB of model state until its TD ends: the heap per vCPU is mostly that).
   */
  public static Spec spec(int vcpus, int tdVcpus) {
    assert vcpus >= 1 : "spec(" + vcpus + ", " + tdVcpus + ")";
    assert tdVcpus >= 1 : "spec(" + vcpus + ", " + tdVcpus + ")";
    return new Spec(vcpus, tdVcpus, 1, 16, 2, 8);
  }

  /** {@link #spec(int, int)} with TDs of {@value #DEFAULT_TD_VCPUS} vCPUs. */
  public static Spec spec(int vcpus) {
    return spec(vcpus, DEFAULT_TD_VCPUS);
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
    Spec spec = new Spec(req(kv, "vcpus"), req(kv, "td-vcpus"), req(kv, "lives"), req(kv, "split-every"),
        req(kv, "conversions"), req(kv, "touch-pages"));
    Scenario host = scenario(spec, options);
    assert host.tds().size() == spec.tds() : "host of " + host.tds().size();
    assert host.source().equals(spec.source()) : "host of " + host.tds().size();
    Integer td = kv.get("td");
    if (td == null) return host;
    if (td < 0 || td >= host.tds().size()) {
      throw new IllegalArgumentException("stress scenario spec: td=" + td + " but the host has " + host.tds().size()
          + " TDs");
    }
    // one TD of the host, exactly as it ran there: its config, the host's checker bounds
    return new Scenario(NAME, source, List.of(host.tds().get(td)), host.bounds()).withOptions(options);
  }

  private static int req(Map<String, Integer> kv, String key) {
    assert key != null : "req of no key";
    assert kv != null : "req of no key";
    Integer v = kv.get(key);
    if (v == null) throw new IllegalArgumentException("stress scenario spec: missing " + key);
    return v;
  }

  /** The source of TD {@code td} of the host of {@code hostSource} alone: the host's spec and {@code td=K}. */
  public static String tdSource(String hostSource, int td) {
    if (!isSource(hostSource) || hostSource.contains(" td=")) {
      throw new IllegalArgumentException("not a host's stress spec: " + hostSource);
    }
    assert td >= 0 : "the source of TD " + td;
    return hostSource + " td=" + td;
  }

  public static Scenario scenario(Spec spec, Collection<String> options) {
    assert spec != null : "scenario of no spec";
    assert options != null : "scenario of no spec";
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
    // the TDs hold every vCPU of the host, each TD within MAX_VCPUS_PER_TD
    assert tds.size() == spec.tds() : tds.size() + " TDs";
    assert full * spec.tdVcpus() + rest == spec.vcpus() : tds.size() + " TDs";
    return tds;
  }

  /**
   * The checkers' bounds for TDs of {@code vcpus}: the default ones, except that the mmu_lock starvation bound
   * counts every acquisition while an exclusive waiter waits, including those of waiters queued before it, so with N
   * vCPUs taking the lock for write at once (every first 2M ACCEPT splits under it) it must exceed N.
   */
  static Bounds bounds(int vcpus) {
    Bounds d = Bounds.DEFAULT;
    assert vcpus >= 1 : "bounds for " + vcpus + " vCPUs";
    return new Bounds(d.faultRetries(), d.acceptRetries(), d.seamcallRetries(),
        (int) Math.max(d.lockBypasses(), Math.min(Integer.MAX_VALUE, 4L * vcpus + 64)));
  }

  /** One TD of {@code n} vCPUs. */
  static VmConfig config(Spec spec, int n) {
    // range 0 holds the TD's initial image (PAGE.ADD at build time) and the pages pairs ACCEPT together; then the
    // ranges pairs give back, `lives` each; then the splitting vCPUs' ranges to split, `lives` each
    int ranges = 1 + ((n + 1) / 2 + splitters(spec, n)) * spec.lives();
    List<List<WorkloadStep>> workloads = new ArrayList<>(n);
    assert n >= 1 : "a TD of " + n + " with " + ranges + " ranges";
    assert n <= spec.tdVcpus() : "a TD of " + n + " with " + ranges + " ranges";
    assert ranges >= 1 + spec.lives() : "a TD of " + n + " with " + ranges + " ranges";
    for (int i = 0; i < n; i++) workloads.add(List.copyOf(vcpuSteps(spec, n, i)));
    assert workloads.size() == n : workloads.size() + " workloads for " + n + " vCPUs";
    return new VmConfig(NAME, n, BASE_GFN, ranges, List.of(BASE_GFN, BASE_GFN + 1), workloads, List.of(), List.of(),
        true, 2 * ranges + 16, EnumSet.noneOf(DesignOption.class), false, true,
        TdxModuleConfig.DEFAULT_ACCEPT_2M_PAGES_PER_STEP, TdxModuleConfig.STEPPING_EPF_THRESHOLD);
  }

  private static int splitters(Spec spec, int n) {
    assert n >= 1 : "splitters of " + n;
    assert spec.splitEvery() >= 1 : "splitters of " + n;
    return (n + spec.splitEvery() - 1) / spec.splitEvery();
  }

  /**
   * The steps of vCPU {@code i} of a TD of {@code n}: see the class. The three parts of a life come in an order
   * rotated per pair, so that at any time some pairs race at 4K, some vCPUs split and some give ranges back (in
   * one order for all, every vCPU would do the same thing at the same time, and splits would come in waves).
   */
  static List<WorkloadStep> vcpuSteps(Spec spec, int n, int i) {
    List<WorkloadStep> steps = new ArrayList<>();
    for (int k = 0; k < spec.lives(); k++) {
      List<List<WorkloadStep>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      // the image's 2M range is mapped at 4K (PAGE.ADD): its pages after the first two are the pairs' to share
      long together = BASE_GFN + 2 + ((long) (i / 2) * spec.lives() + k) * SHARED_PAGES % (510 - SHARED_PAGES);
      parts.get(0).add(Accept.tolerant(together, SHARED_PAGES, Level.PG_LEVEL_4K));
      // the pair's shared pages lie in the image's range, after its two PAGE.ADD pages
      assert together >= BASE_GFN + 2 : "shared pages at " + together;
      assert together + SHARED_PAGES <= BASE_GFN + 512 : "shared pages at " + together;
      parts.get(0).add(new Touch(together, Math.min(SHARED_PAGES, spec.touchPages())));
      if (i % spec.splitEvery() == 0) {
        long split = BASE_GFN + 512L * (1 + ((long) (n + 1) / 2 + i / spec.splitEvery()) * spec.lives() + k);
        // a splitter's range lies after every pair's given-back ranges: no two vCPUs share a range to split
        assert split >= BASE_GFN + 512L * (1 + (long) (n + 1) / 2 * spec.lives()) : "split range " + split;
        splitLife(spec, parts.get(1), split, (i / spec.splitEvery() + k) % 2 == 0);
      }
      if (i % 2 == 0) {
        long given = BASE_GFN + 512L * (1 + (long) (i / 2) * spec.lives() + k);
        assert given < BASE_GFN + 512L * (1 + (long) (n + 1) / 2 * spec.lives()) : "given-back range " + given;
        parts.get(2).add(Accept.linux(given, 512));
        parts.get(2).add(new Touch(given + 64, spec.touchPages()));
        parts.get(2).add(new MapGpa(given, 512, true));
      }
      for (int j = 0; j < 3; j++) steps.addAll(parts.get((i / 2 + k + j) % 3));
    }
    return steps;
  }

  /** ACCEPT {@code range} at 2M, split it (by an ACCEPT at 4K or by a conversion), touch it, convert 4K pages. */
  private static void splitLife(Spec spec, List<WorkloadStep> steps, long range, boolean acceptLevel) {
    assert (range - BASE_GFN) % 512 == 0 : "a split range at the unaligned gfn " + range;
    steps.add(Accept.linux(range, 512));
    if (acceptLevel) steps.add(Accept.tolerant(range + 256, 1, Level.PG_LEVEL_4K));
    steps.add(new Touch(range, spec.touchPages()));
    for (int c = 0; c < spec.conversions(); c++) {
      long o = range + 128 + 8L * c;
      assert o + 4 <= range + 512 : "conversion " + c + " past its 2M range";
      steps.add(new MapGpa(o, 4, true));
      steps.add(new MapGpa(o, 4, false));
      steps.add(new Touch(o, 4));
    }
  }
}
