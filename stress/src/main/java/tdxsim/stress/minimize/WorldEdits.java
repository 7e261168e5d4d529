package tdxsim.stress.minimize;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Smaller worlds than a scenario's text, one edit each, largest first: a whole vCPU (its workload) fewer, a VMM
 * action fewer, a guest op fewer, an idle vCPU fewer, a 2M range fewer, no build-time pages, no pinned IOMMU
 * range. Edits work on the HOCON tree and render it back; an edit the scenario loader refuses (an address beyond
 * the memslot once a range is gone) is left out by the caller, which loads every candidate.
 */
final class WorldEdits {
  /** A candidate: what was left out, and the world's text without it. */
  record Edit(String what, String text) {}

  private static final ConfigRenderOptions RENDER =
      ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false).setFormatted(true);

  private WorldEdits() {}

  static Config parse(String text) {
    assert text != null : "parse of no text";
    return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
  }

  /** Every single edit of {@code text}, largest first; none if it is not HOCON with a {@code workloads} list. */
  static List<Edit> of(String text) {
    Config c;
    try {
      c = parse(text);
    } catch (ConfigException e) {
      return List.of();
    }
    if (!c.hasPath("workloads") || !c.hasPath("vcpus")) return List.of();
    List<Edit> out = new ArrayList<>();
    List<List<ConfigValue>> workloads = workloads(c);
    int vcpus = c.getInt("vcpus");
    for (int i = 0; i < workloads.size() && vcpus > 1; i++) {
      List<List<ConfigValue>> w = new ArrayList<>(workloads);
      w.remove(i);
      assert w.size() == workloads.size() - 1 : "vcpu-" + i + " not left out";
      out.add(edit("vcpu-" + i, c.withValue("workloads", ConfigValueFactory.fromIterable(w))
          .withValue("vcpus", ConfigValueFactory.fromAnyRef(vcpus - 1))));
    }
    if (c.hasPath("vmm")) {
      List<ConfigValue> vmm = c.getList("vmm");
      for (int k = 0; k < vmm.size(); k++) {
        List<ConfigValue> v = new ArrayList<>(vmm);
        v.remove(k);
        assert v.size() == vmm.size() - 1 : "vmm action " + k + " not left out";
        out.add(edit("vmm action " + k, c.withValue("vmm", ConfigValueFactory.fromIterable(v))));
      }
    }
    for (int i = 0; i < workloads.size(); i++) {
      for (int j = 0; j < workloads.get(i).size(); j++) {
        List<List<ConfigValue>> w = new ArrayList<>(workloads);
        List<ConfigValue> ops = new ArrayList<>(w.get(i));
        boolean trip = roundTrip(ops, j);
        ops.remove(j);
        if (trip) ops.remove(j); // the way back goes with the way out: no guest converts back what it never gave
        assert ops.size() == workloads.get(i).size() - (trip ? 2 : 1) : "vcpu-" + i + " op " + j + " not left out";
        w.set(i, ops);
        out.add(edit("vcpu-" + i + " op " + j + (trip ? " and its way back" : ""),
            c.withValue("workloads", ConfigValueFactory.fromIterable(w))));
      }
    }
    if (vcpus > Math.max(1, workloads.size())) {
      out.add(edit("an idle vCPU", c.withValue("vcpus", ConfigValueFactory.fromAnyRef(vcpus - 1))));
    }
    if (c.hasPath("ranges-2m") && c.getInt("ranges-2m") > 1) {
      out.add(edit("a 2M range", c.withValue("ranges-2m", ConfigValueFactory.fromAnyRef(c.getInt("ranges-2m") - 1))));
    }
    for (String key : List.of("build-pages", "iommu-pinned")) {
      if (c.hasPath(key)) out.add(edit(key, c.withoutPath(key)));
    }
    assert out.stream().allMatch(e -> e.what() != null && e.text() != null) : "an edit without its text";
    return out;
  }

  /** vCPUs, guest ops, VMM actions and 2M ranges of a world's text, e.g. "3 vCPUs, 7 ops, 2 VMM actions, 4 ranges". */
  static String size(String text) {
    assert text != null : "the size of no world";
    Config c = parse(text);
    int ops = workloads(c).stream().mapToInt(List::size).sum();
    int vmm = c.hasPath("vmm") ? c.getList("vmm").size() : 0;
    int ranges = c.hasPath("ranges-2m") ? c.getInt("ranges-2m") : 0;
    return c.getInt("vcpus") + " vCPUs, " + ops + " ops, " + vmm + " VMM actions, " + ranges + " 2M ranges";
  }

  /**
   * Whether op {@code j} is a MapGPA to shared whose next op is its way back (a MapGPA to private of the same pages):
   * dropping the way out alone would leave a guest that MapGPAs to private, and so re-ACCEPTs, pages it still holds
   * private, which no Linux guest does (the generator never draws it).
   */
  static boolean roundTrip(List<ConfigValue> ops, int j) {
    assert j >= 0 && j < ops.size() : "op " + j + " of " + ops.size();
    if (j + 1 >= ops.size()) return false;
    if (!(ops.get(j) instanceof ConfigObject out) || !(ops.get(j + 1) instanceof ConfigObject back)) return false;
    Config a = out.toConfig();
    Config b = back.toConfig();
    return mapGpa(a, "shared") && mapGpa(b, "private") && same(a, b, "at") && same(a, b, "pages");
  }

  private static boolean mapGpa(Config op, String to) {
    return "map-gpa".equals(field(op, "op")) && to.equals(field(op, "to"));
  }

  private static boolean same(Config a, Config b, String key) {
    return java.util.Objects.equals(field(a, key), field(b, key));
  }

  /** The op's field {@code key} as HOCON gives it (a string, a number), or null when the op has none. */
  private static Object field(Config op, String key) {
    return op.hasPath(key) ? op.getValue(key).unwrapped() : null;
  }

  private static List<List<ConfigValue>> workloads(Config c) {
    List<List<ConfigValue>> out = new ArrayList<>();
    for (ConfigValue w : c.getList("workloads")) {
      out.add(w instanceof ConfigList l ? new ArrayList<>(l) : new ArrayList<>());
    }
    return out;
  }

  private static Edit edit(String what, Config c) {
    assert what != null : "an edit of nothing";
    assert c != null : "an edit of nothing";
    return new Edit(what, c.root().render(RENDER));
  }
}
