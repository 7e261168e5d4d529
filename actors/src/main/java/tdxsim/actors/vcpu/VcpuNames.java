package tdxsim.actors.vcpu;

import java.util.stream.IntStream;
import tdxsim.actors.tdx.TdxModuleConfig;

/** vCPU actor names: every TD names its vCPUs alike, so one string per id serves them all (a host has thousands). */
public final class VcpuNames {
  private static final String[] NAMES = IntStream.range(0, TdxModuleConfig.MAX_VCPUS_PER_TD)
      .mapToObj(i -> "vcpu-" + i).toArray(String[]::new);

  private VcpuNames() {}

  /** vCPU {@code id}'s name, {@code vcpu-<id>}: the actor's path and its KVM context. */
  public static String of(int id) {
    assert id >= 0 : "the name of vcpu " + id;
    return id < NAMES.length ? NAMES[id] : "vcpu-" + id;
  }
}
