package tdxsim.stress.scenario;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tdxsim.actors.vcpu.WorkloadStep;
import tdxsim.actors.vm.GfnRange;
import tdxsim.actors.vm.VmmAction;
import tdxsim.protocol.Level;

/**
 * The scenario's lists of steps: guest workloads (one list per vCPU), VMM actions, pinned IOMMU ranges and
 * build pages. Each step is an object with an {@code op}, an address {@code at} (see {@link Addresses}) and a
 * page count; ranges must lie inside the memslot.
 */
final class StepParser {
  private static final Set<String> ACCEPT_KEYS = Set.of("op", "at", "pages", "style", "max-level");
  private static final Set<String> RANGE_OP_KEYS = Set.of("op", "at", "pages");
  private static final Set<String> CONVERT_KEYS = Set.of("op", "at", "pages", "to");
  private static final Set<String> RANGE_KEYS = Set.of("at", "pages");
  private static final Set<String> NMI_KEYS = Set.of("op", "count");
  private static final Set<String> DESTROY_KEYS = Set.of("op");
  private static final Set<String> MOVE_KEYS = Set.of("op", "at", "pages", "to");
  static final int MAX_NMI_BURST = 1 << 20;

  private final Addresses addr;

  StepParser(Addresses addr) {
    this.addr = addr;
  }

  /** workloads = [ [ step, ... ], ... ]: one list per vCPU (fewer lists than vCPUs: the rest idle). */
  List<List<WorkloadStep>> workloads(ConfigReader r, String key, int vcpus) {
    List<List<WorkloadStep>> out = new ArrayList<>();
    ConfigList outer = r.list(key);
    if (outer == null) return out;
    if (outer.size() > vcpus) {
      throw r.error(key, "has " + outer.size() + " workloads but vcpus = " + vcpus);
    }
    for (int v = 0; v < outer.size(); v++) {
      ConfigValue inner = outer.get(v);
      String k = key + "[" + v + "]";
      if (inner.valueType() != ConfigValueType.LIST) {
        throw r.error(k, "expected a list of steps (the workload of vcpu-" + v + "), got "
            + ConfigReader.render(inner));
      }
      ConfigList steps = (ConfigList) inner;
      List<WorkloadStep> w = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) w.add(step(r.element(k, steps, i)));
      out.add(w);
    }
    return out;
  }

  private WorkloadStep step(ConfigReader s) {
    String op = s.choice("op", null, "accept", "touch", "map-gpa", "prefetch");
    if (op == null) throw s.error("op", "missing (one of accept, touch, map-gpa, prefetch)");
    switch (op) {
      case "accept" -> {
        s.onlyKeys(ACCEPT_KEYS);
        long[] g = range(s);
        String style = s.choice("style", "linux", "linux", "tolerant");
        boolean linux = style.equals("linux");
        Level max = s.level("max-level", linux ? Level.PG_LEVEL_1G : Level.PG_LEVEL_2M);
        if (linux && max != Level.PG_LEVEL_1G) {
          throw s.error("max-level", "a Linux guest always starts at 1G (omit max-level or use style = tolerant)");
        }
        return linux ? WorkloadStep.Accept.linux(g[0], g[1]) : WorkloadStep.Accept.tolerant(g[0], g[1], max);
      }
      case "map-gpa" -> {
        s.onlyKeys(CONVERT_KEYS);
        long[] g = range(s);
        String to = s.choice("to", null, "shared", "private");
        if (to == null) throw s.error("to", "missing (shared or private)");
        return new WorkloadStep.MapGpa(g[0], g[1], to.equals("shared"));
      }
      case "touch" -> {
        s.onlyKeys(RANGE_OP_KEYS);
        long[] g = range(s);
        return new WorkloadStep.Touch(g[0], g[1]);
      }
      default -> {
        s.onlyKeys(RANGE_OP_KEYS);
        long[] g = range(s);
        return new WorkloadStep.Prefetch(g[0], g[1]);
      }
    }
  }

  /**
   * vmm = [ { op = punch-hole | convert, at, pages, to = shared|private (convert) }, { op = nmi, count = N },
   * { op = destroy } (the TD teardown, once every vCPU finished), { op = delete-memslot, at, pages } (2M aligned:
   * the memslot [at, at + pages) is deleted), { op = move-memslot, at, pages, to } (refused: -EINVAL),
   * { op = interrupt } (a device interrupt posted to every vCPU), { op = signal } (SIG_IPI to every vCPU thread),
   * ... ].
   */
  List<VmmAction> vmmActions(ConfigReader r, String key) {
    List<VmmAction> out = new ArrayList<>();
    ConfigList l = r.list(key);
    if (l == null) return out;
    for (int i = 0; i < l.size(); i++) {
      ConfigReader s = r.element(key, l, i);
      String op = s.choice("op", null, "punch-hole", "convert", "nmi", "destroy", "delete-memslot", "move-memslot",
          "interrupt", "signal");
      if (op == null) {
        throw s.error("op", "missing (one of punch-hole, convert, nmi, destroy, delete-memslot, move-memslot,"
            + " interrupt, signal)");
      }
      if (op.equals("delete-memslot") || op.equals("move-memslot")) {
        out.add(memslotAction(s, op));
      } else if (op.equals("interrupt") || op.equals("signal")) {
        s.onlyKeys(DESTROY_KEYS);
        out.add(op.equals("signal") ? new VmmAction.Signal() : new VmmAction.Interrupt());
      } else if (op.equals("destroy")) {
        s.onlyKeys(DESTROY_KEYS);
        out.add(new VmmAction.Destroy());
      } else if (op.equals("nmi")) {
        s.onlyKeys(NMI_KEYS);
        out.add(new VmmAction.Nmi(s.positiveInt("count", MAX_NMI_BURST,
            "each NMI is a delivery, and a schedule is bounded by --max-steps")));
      } else if (op.equals("punch-hole")) {
        s.onlyKeys(RANGE_OP_KEYS);
        long[] g = range(s);
        out.add(new VmmAction.PunchHole(g[0], g[1]));
      } else {
        s.onlyKeys(CONVERT_KEYS);
        long[] g = range(s);
        String to = s.choice("to", null, "shared", "private");
        if (to == null) throw s.error("to", "missing (shared or private)");
        out.add(new VmmAction.Convert(g[0], g[1], to.equals("private")));
      }
    }
    return out;
  }

  /** A memslot op: [at, at + pages) 2M aligned (a memslot of its own in the VMM's layout). */
  private VmmAction memslotAction(ConfigReader s, String op) {
    boolean move = op.equals("move-memslot");
    s.onlyKeys(move ? MOVE_KEYS : RANGE_OP_KEYS);
    long[] g = range(s);
    if (!Level.PG_LEVEL_2M.isAligned(g[0]) || g[1] % Level.PG_LEVEL_2M.pages() != 0) {
      throw s.error("pages", String.format("a memslot is 2M aligned: [0x%x, 0x%x) is not", g[0], g[0] + g[1]));
    }
    if (!move) return new VmmAction.DeleteMemslot(g[0], g[1]);
    return new VmmAction.MoveMemslot(g[0], g[1], addr.gfn(s, "to", s.value("to")));
  }

  /** iommu-pinned = [ { at, pages }, ... ]. */
  List<GfnRange> ranges(ConfigReader r, String key) {
    List<GfnRange> out = new ArrayList<>();
    ConfigList l = r.list(key);
    if (l == null) return out;
    for (int i = 0; i < l.size(); i++) {
      ConfigReader s = r.element(key, l, i);
      s.onlyKeys(RANGE_KEYS);
      long[] g = range(s);
      out.add(new GfnRange(g[0], g[1]));
    }
    return out;
  }

  /** build-pages = [ r0, "r0+1", ... ]. */
  List<Long> gfns(ConfigReader r, String key) {
    List<Long> out = new ArrayList<>();
    ConfigList l = r.list(key);
    if (l == null) return out;
    for (int i = 0; i < l.size(); i++) out.add(addr.gfn(r, key + "[" + i + "]", l.get(i)));
    return out;
  }

  /** {at, pages} of a step: [gfn, pages], the whole range inside the memslot. */
  private long[] range(ConfigReader s) {
    long gfn = addr.gfn(s, "at", s.value("at"));
    long pages = s.pages("pages");
    if (gfn + pages > addr.end()) {
      throw s.error("pages", String.format("[0x%x, 0x%x) runs past the end of the memslot 0x%x", gfn, gfn + pages,
          addr.end()));
    }
    return new long[] {gfn, pages};
  }
}
