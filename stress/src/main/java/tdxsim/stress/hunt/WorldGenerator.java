package tdxsim.stress.hunt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Draws a small, valid scenario from a world seed: swarm testing (Groce, Zhang, Eide, Chen, Regehr, ISSTA 2012),
 * where each test switches on a random subset of the features so that features which suppress each other are also
 * seen apart, as TigerBeetle's VOPR and FoundationDB's simulator draw their cluster, workload and faults from the
 * seed. The world is scenario text in the format of {@link tdxsim.stress.scenario.ScenarioLoader} (so a trace
 * carries it, and replay, minimize and report work unchanged): 1-4 vCPUs (sometimes up to 8), 1-4 2M ranges,
 * build-time pages, guest workloads over the whole op vocabulary (Linux and tolerant ACCEPTs at 2M and 4K, touch,
 * MapGPA both ways over whole ranges, unaligned sub-ranges and across a 2M boundary, prefetch), VMM actions
 * (2M-aligned punch holes, conversions, NMI bursts, the TD's destroy last), a pinned IOMMU range and the model's
 * knobs.
 *
 * <p>Addresses are drawn from a few hot spots per world (a range's first page, page 1, page 256, the last page
 * and the boundary to the next range), so that operations of different vCPUs and of the VMM collide. Punch holes
 * are 2M aligned: hugetlb guest_memfd refuses anything else (-EINVAL). A fault-injected PAGE.REMOVE is never
 * drawn, since its KVM_BUG_ON is expected and would end every such world; a failed PAGE.WBINVD is, with its
 * KVM_BUG_ON declared expected (scenario key expect-violations), so checking goes on past it. A guest that touches a page before
 * accepting it is a non-Linux guest (SEPT_VE_DISABLE clear, the #VE delivered): with SEPT_VE_DISABLE set KVM kills
 * the VM on such a touch, and Linux always sets it.
 */
public final class WorldGenerator {
  private static final int[] HOT_OFFSETS = {0, 1, 8, 256, 511};
  private static final int[] ACCEPT_PER_STEP = {64, 256, 512};

  private final SplittableRandom rng;
  private final StringBuilder out = new StringBuilder(1024);
  private int ranges;
  /** Guest op kinds this world draws: ACCEPT, touch, MapGPA, prefetch. */
  private final boolean[] enabled = new boolean[4];
  private boolean twoRanges;
  private boolean boundaries;
  /**
   * MapGPA round trips are drawn only with the full split cache. With a 1-2 page cache the way out may fail
   * (-ENOMEM mid-conversion), and Linux never converts back what set_memory_decrypted failed on (its callers leak
   * those pages), while the scripted way back would re-ACCEPT a page the guest still holds: a panic on
   * TDX_PAGE_ALREADY_ACCEPTED that no Linux guest can reach.
   */
  private boolean roundTrips;
  /** The IOMMU pin of {@link #generate}'s second pass, or null: the world's own draw. */
  private GenOp forcedPin;
  /** The conversions to shared the world kept whose next step is their way back (a guest's or the VMM's). */
  private final List<GenOp> trips = new ArrayList<>();
  /** The neighbour collision's 2M range, which no other guest op uses, or null. */
  private GenOp reserved;

  private WorldGenerator(long worldSeed) {
    this.rng = new SplittableRandom(worldSeed);
  }

  /**
   * The scenario text of world {@code worldSeed}: a function of the seed alone. One world of two with a round
   * trip is drawn again with the IOMMU pin on the first pages of one (the seed mail's A/B/C, race R7: a conversion
   * back to private of pages the IOMMU pins, with their way out mapped into userspace), as a second pass over the
   * same draws so that the guest rules see the pin.
   */
  public static String generate(long worldSeed) {
    WorldGenerator first = new WorldGenerator(worldSeed);
    String text = first.world(worldSeed);
    GenOp pin = first.pinnedRoundTrip(new SplittableRandom(worldSeed ^ 0x10bbL));
    if (pin == null) return text;
    WorldGenerator second = new WorldGenerator(worldSeed);
    second.forcedPin = pin;
    return second.world(worldSeed);
  }

  /** The pin over one of the world's round trips (1-8 pages from its start), in one world of two that has one. */
  private GenOp pinnedRoundTrip(SplittableRandom r) {
    if (r.nextInt(2) != 0 || trips.isEmpty()) return null;
    GenOp t = trips.get(r.nextInt(trips.size()));
    return new GenOp(GenOp.Kind.TOUCH, t.start(), Math.min(t.pages(), 1 + r.nextInt(8)), "");
  }

  /** Collects the steps of {@code ops} that convert to shared and are followed by their way back. */
  private void roundTripsOf(List<GenOp> ops) {
    for (int i = 0; i + 1 < ops.size(); i++) {
      GenOp a = ops.get(i);
      GenOp b = ops.get(i + 1);
      if (a.kind().toShared() && b.kind().backToPrivate() && a.start() == b.start() && a.pages() == b.pages()) {
        trips.add(a);
      }
    }
  }

  /** The scenario name of world {@code worldSeed}. */
  public static String name(long worldSeed) {
    return String.format(Locale.ROOT, "hunt-%016x", worldSeed);
  }

  private String world(long worldSeed) {
    int vcpus = rng.nextInt(10) == 0 ? 5 + rng.nextInt(4) : 1 + rng.nextInt(4);
    ranges = 1 + rng.nextInt(4);
    features();
    line("# generated by ./tdxsim hunt from world seed " + String.format(Locale.ROOT, "0x%x", worldSeed));
    line("name = " + name(worldSeed));
    line("vcpus = " + vcpus);
    line("ranges-2m = " + ranges);
    int build = rng.nextInt(3) == 0 ? 1 + rng.nextInt(3) : 0;
    if (build > 0) line("build-pages = " + buildPages(build));
    GenOp pin = rng.nextInt(4) == 0 ? span(1 + rng.nextInt(8)) : null;
    if (forcedPin != null) pin = forcedPin;
    GuestRules rules = new GuestRules(build, pin, this::redraw);
    // the VM's split cache is never refilled: 1 or 2 pages let a split or two through and then -ENOMEM (memory
    // pressure, as race R6), drawn in one world of four
    int splitCache = rng.nextInt(4) == 0 ? (rng.nextInt(3) == 0 ? 2 : 1) : 64;
    roundTrips = splitCache == 64;
    List<List<GenOp>> workloads = new ArrayList<>();
    int busy = 1 + rng.nextInt(vcpus);
    GenOp[] neighbour = rng.nextInt(4) == 0 ? neighbour() : null;
    // the collision's 2M range is left to it: another guest's use there (a 4K ACCEPT) hides the window
    if (neighbour != null) reserved = new GenOp(GenOp.Kind.TOUCH, neighbour[0].start() / 512 * 512, 512, "");
    for (int v = 0; v < busy; v++) {
      List<GenOp> w = workload();
      if (neighbour != null) w.removeIf(o -> o.overlaps(reserved));
      if (v == 0 && neighbour != null) w.add(0, neighbour[0]);
      workloads.add(rules.fit(w, v));
      roundTripsOf(workloads.get(v));
    }
    List<GenOp> actions = vmm();
    if (neighbour != null) actions.add(0, neighbour[1]);
    List<GenOp> vmm = rules.fit(actions, -1);
    roundTripsOf(vmm);
    vcpuFlows(new SplittableRandom(~worldSeed), vmm, workloads, ranges);
    slotUnderFault(new SplittableRandom(worldSeed ^ 0xde1e7eL), vmm, workloads, ranges);
    // the TD's destroy joins every vCPU first and ends the VM: the VMM's last action, in one world of four
    if (rng.nextInt(4) == 0) vmm.add(new GenOp(GenOp.Kind.DESTROY, 0, 0, ""));
    line("workloads = [");
    for (List<GenOp> w : workloads) line("  " + render(w));
    line("]");
    if (!vmm.isEmpty()) line("vmm = " + render(vmm));
    if (pin != null) line("iommu-pinned = [ " + pin.render().replace("op = touch, ", "") + " ]");
    line("map-shared-into-users = " + (rng.nextInt(5) != 0));
    // the memory the splits may still allocate (drawn above): 1 or 2 pages let a split or two through and then
    // -ENOMEM (memory pressure, as race R6), in one world of four
    line("split-cache-pages = " + splitCache);
    boolean touches = workloads.stream().flatMap(List::stream).anyMatch(o -> o.kind() == GenOp.Kind.TOUCH);
    // a Linux guest never touches before its ACCEPT and runs with SEPT_VE_DISABLE set (it refuses to boot without
    // it); a guest that touches first is a non-Linux guest taking the #VE, with SEPT_VE_DISABLE clear
    boolean linux = rng.nextInt(6) != 0 && !touches;
    line("guest = " + (linux ? "linux" : "non-linux"));
    line("sept-ve-disable = " + linux);
    boolean enhanced = rng.nextInt(4) != 0;
    line("enhanced-demote-interruptibility = " + enhanced);
    line("accept-2m-pages-per-step = " + ACCEPT_PER_STEP[rng.nextInt(ACCEPT_PER_STEP.length)]);
    line("zero-step-threshold = " + (rng.nextInt(4) == 0 ? 1 + rng.nextInt(5) : 6));
    bounds(vmm, enhanced);
    wbinvdFailure(new SplittableRandom(worldSeed ^ 0x5eedL));
    return out.toString();
  }

  /**
   * SEAMCALL fault injection, in one world of eight: the n-th TDH.PHYMEM.PAGE.WBINVD fails. KVM's TDX_BUG_ON
   * kills the VM and leaves the removed page unflushed [LNX tdx.c tdx_sept_remove_private_spte]: both are
   * expected, and checking goes on past them to what becomes of the page. Its own generator, so that every other
   * draw of a world stays what it was.
   */
  private void wbinvdFailure(SplittableRandom r) {
    if (r.nextInt(8) != 0) return;
    line("fail-page-wbinvd = " + (1 + r.nextInt(3)));
    line("expect-violations = [kvm.bug-on, tdx.removed-page-flushed]");
  }

  /**
   * A posted interrupt to every vCPU (the local-retry loop's and MapGPA's exits on kvm_vcpu_has_events), in one
   * world of three; the deletion of a 2M memslot that only prefetches use, in one world of four. Drawn from a
   * generator of their own, so that every other draw of a world stays what it was before these flows existed.
   */
  private static void vcpuFlows(SplittableRandom rng, List<GenOp> vmm, List<List<GenOp>> workloads, int ranges) {
    if (rng.nextInt(3) == 0) vmm.add(rng.nextInt(vmm.size() + 1), new GenOp(GenOp.Kind.INTERRUPT, 0, 0, ""));
    if (rng.nextInt(4) != 0) return;
    GenOp slot = new GenOp(GenOp.Kind.DELETE_MEMSLOT, 512L * rng.nextInt(ranges), 512, "");
    boolean used = workloads.stream().flatMap(List::stream)
        .anyMatch(o -> o.overlaps(slot) && o.kind() != GenOp.Kind.PREFETCH);
    if (!used && vmm.stream().noneMatch(a -> a.overlaps(slot))) vmm.add(slot);
  }

  /**
   * The deletion of a 2M memslot that a vCPU faults in (a touch, or an ACCEPT of a guest that retries a BUSY one),
   * in one world of three with no deletion yet: a fault on the slot while it is KVM_MEMSLOT_INVALID returns
   * RET_PF_RETRY into the TDX local-retry loop, which must leave it so that the deleter's synchronize_srcu can go on
   * [MEMSLOT-RETRY] (built-in {@code memslot-delete}). KVM lets the VMM delete a slot the guest uses; an access
   * after the deletion is a KVM_EXIT_MEMORY_FAULT with nothing to convert, and the VMM stops that vCPU. Not a slot
   * that a Linux ACCEPT or a MapGPA uses (the zap's BLOCK makes a Linux 4K ACCEPT fail with BUSY and the guest
   * panic), nor one a VMM action works on. A world with no such slot gets a tolerant 4K ACCEPT of one hot page of a
   * slot nothing else forbids. Its own generator, so that every other draw of a world stays what it was.
   */
  private static void slotUnderFault(SplittableRandom rng, List<GenOp> vmm, List<List<GenOp>> workloads,
      int ranges) {
    if (rng.nextInt(3) != 0 || vmm.stream().anyMatch(a -> a.kind() == GenOp.Kind.DELETE_MEMSLOT)) return;
    List<GenOp> faulting = new ArrayList<>();
    List<GenOp> free = new ArrayList<>();
    for (int r = 0; r < ranges; r++) {
      GenOp slot = new GenOp(GenOp.Kind.DELETE_MEMSLOT, 512L * r, 512, "");
      List<GenOp> users = workloads.stream().flatMap(List::stream).filter(o -> o.overlaps(slot)).toList();
      boolean forbidden = vmm.stream().anyMatch(a -> a.kind() != GenOp.Kind.NMI && a.overlaps(slot))
          || users.stream().anyMatch(o -> !faultsIn(o) && o.kind() != GenOp.Kind.PREFETCH);
      if (!forbidden) (users.stream().anyMatch(WorldGenerator::faultsIn) ? faulting : free).add(slot);
    }
    if (faulting.isEmpty() && !free.isEmpty()) {
      GenOp slot = free.get(rng.nextInt(free.size()));
      List<GenOp> w = workloads.get(rng.nextInt(workloads.size()));
      long page = slot.start() + HOT_OFFSETS[rng.nextInt(HOT_OFFSETS.length)];
      w.add(rng.nextInt(w.size() + 1), new GenOp(GenOp.Kind.ACCEPT, page, 1, ", style = tolerant, max-level = 4K"));
      faulting.add(slot);
    }
    if (!faulting.isEmpty()) vmm.add(rng.nextInt(vmm.size() + 1), faulting.get(rng.nextInt(faulting.size())));
  }

  /** A guest op that faults in its pages and copes with the fault's failure: a touch, a tolerant ACCEPT. */
  private static boolean faultsIn(GenOp o) {
    return o.kind() == GenOp.Kind.TOUCH || o.tolerantAccept();
  }

  private static String render(List<GenOp> ops) {
    List<String> steps = new ArrayList<>();
    for (GenOp o : ops) steps.add(o.render());
    return "[ " + String.join(", ", steps) + " ]";
  }

  private void bounds(List<GenOp> vmm, boolean enhanced) {
    List<String> b = new ArrayList<>();
    if (rng.nextBoolean()) b.add("accept-retries = 16");
    boolean nmi = vmm.stream().anyMatch(a -> a.kind() == GenOp.Kind.NMI);
    if (nmi && !enhanced) b.add("seamcall-retries = 3");
    if (!b.isEmpty()) line("bounds { " + String.join(", ", b) + " }");
  }

  private static String buildPages(int n) {
    List<String> pages = new ArrayList<>();
    for (int i = 0; i < n; i++) pages.add(i == 0 ? "r0" : "\"r0+" + i + "\"");
    return "[" + String.join(", ", pages) + "]";
  }

  /**
   * 1-4 guest ops; a MapGPA to shared is followed by the way back to private half the time (a round trip; not with a
 * tiny split cache, {@link #roundTrips}), and one
   * across a 2M boundary is preceded, half the time, by the ACCEPT of both 2M ranges (the guest converts memory it
   * uses: both sides are then mapped 2M, and the conversion splits two ranges).
   */
  private List<GenOp> workload() {
    int ops = 1 + rng.nextInt(4);
    List<GenOp> steps = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      GenOp o = op();
      if (o.kind() == GenOp.Kind.TO_SHARED && o.start() % 512 == 511 && o.start() + 513 <= 512L * ranges
          && rng.nextBoolean()) {
        steps.add(new GenOp(GenOp.Kind.ACCEPT, o.start() - 511, 1024, ""));
      }
      steps.add(o);
      if (o.kind() == GenOp.Kind.TO_SHARED && rng.nextBoolean() && roundTrips) steps.add(o.as(GenOp.Kind.TO_PRIVATE));
    }
    return steps;
  }

  /** A guest op of a kind this world enables (swarm testing: each world leaves some kinds out). */
  private GenOp op() {
    int k;
    do {
      k = rng.nextInt(20);
    } while (!enabled[k < 7 ? 0 : k < 12 ? 1 : k < 16 ? 2 : 3]);
    if (k < 7) return accept();
    if (k < 12) return span(1 + rng.nextInt(4));
    if (k < 16) return conversionSpan().as(GenOp.Kind.TO_SHARED);
    return (rng.nextBoolean() ? whole() : span(1)).as(GenOp.Kind.PREFETCH);
  }

  /**
   * The world's features, each on or off (Groce et al.: a feature left out cannot crowd out the others): the
   * guest op kinds (ACCEPT, touch, MapGPA, prefetch; one at least), spans of two 2M ranges, spans across a 2M
   * boundary.
   */
  private void features() {
    do {
      for (int i = 0; i < enabled.length; i++) enabled[i] = rng.nextBoolean();
    } while (!enabled[0] && !enabled[1] && !enabled[2] && !enabled[3]);
    twoRanges = rng.nextBoolean();
    boundaries = rng.nextBoolean();
  }

  private GenOp accept() {
    GenOp at = (rng.nextInt(3) == 0 ? span(1 + rng.nextInt(4)) : whole()).as(GenOp.Kind.ACCEPT);
    if (rng.nextInt(3) != 0) return at;
    return new GenOp(GenOp.Kind.ACCEPT, at.start(), at.pages(),
        ", style = tolerant, max-level = " + (rng.nextBoolean() ? "2M" : "4K"));
  }

  /** MapGPA / conversion ranges: whole 2M ranges, a few pages at a hot spot, or two pages across a boundary. */
  private GenOp conversionSpan() {
    int k = rng.nextInt(3);
    if (k == 0) return whole();
    if ((k == 1 || boundaries) && ranges > 1) return new GenOp(GenOp.Kind.TOUCH, 512L * rng.nextInt(ranges - 1) + 511, 2, "");
    return span(1 + rng.nextInt(4));
  }

  /** Another span for a step that broke a {@link GuestRules} rule. */
  private GenOp redraw(GenOp o) {
    GenOp s;
    int tries = 0;
    do { // off the neighbour collision's 2M range, as a few tries allow
      s = o.kind() == GenOp.Kind.PUNCH_HOLE || o.pages() >= 512 ? whole() : conversionSpan();
    } while (reserved != null && s.overlaps(reserved) && ++tries < 8);
    return o.at(s.start(), Math.min(s.pages(), Math.max(1, o.pages())));
  }

  /** 0-2 VMM actions: 2M-aligned punch holes, conversions, NMI bursts. */
  private List<GenOp> vmm() {
    List<GenOp> actions = new ArrayList<>();
    int n = rng.nextInt(5) < 2 ? 0 : 1 + rng.nextInt(2);
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(5);
      if (k < 2) {
        actions.add(whole().as(GenOp.Kind.PUNCH_HOLE));
      } else if (k < 4) {
        GenOp shared = conversionSpan().as(GenOp.Kind.CONVERT_SHARED);
        actions.add(shared);
        if (rng.nextBoolean()) actions.add(shared.as(GenOp.Kind.CONVERT_PRIVATE));
      } else {
        actions.add(new GenOp(GenOp.Kind.NMI, 0, 1 + rng.nextInt(16), ""));
      }
    }
    return actions;
  }

  /**
   * The neighbouring-gfn collision of race R9 ({@code r9-adjacent}): a prefetch of one hot page of a 2M range
   * and a VMM conversion to shared of a few pages at another hot spot of the same range, short of the prefetched
   * page, so that only the conversion's invalidation widened to the huge page makes the prefetch retry.
   */
  private GenOp[] neighbour() {
    int r = rng.nextInt(ranges);
    int p = HOT_OFFSETS[rng.nextInt(HOT_OFFSETS.length)];
    int c;
    do {
      c = HOT_OFFSETS[rng.nextInt(HOT_OFFSETS.length)];
    } while (c == p);
    long limit = p > c ? p - c : 512 - c;
    GenOp convert = new GenOp(GenOp.Kind.CONVERT_SHARED, 512L * r + c, Math.min(1 + rng.nextInt(4), limit), "");
    return new GenOp[] {new GenOp(GenOp.Kind.PREFETCH, 512L * r + p, 1, ""), convert};
  }

  /** One or (when there is room) two whole 2M ranges. */
  private GenOp whole() {
    int r = rng.nextInt(ranges);
    int n = r + 1 < ranges && twoRanges && rng.nextBoolean() ? 2 : 1;
    return new GenOp(GenOp.Kind.TOUCH, 512L * r, 512L * n, "");
  }

  /** A touch of {@code pages} pages (fewer at the memslot's end) from a hot spot. */
  private GenOp span(int pages) {
    int r = rng.nextInt(ranges);
    int off = HOT_OFFSETS[rng.nextInt(HOT_OFFSETS.length)];
    long room = 512L * (ranges - r) - off;
    return new GenOp(GenOp.Kind.TOUCH, 512L * r + off, Math.min(pages, room), "");
  }

  private void line(String s) {
    out.append(s).append('\n');
  }
}
