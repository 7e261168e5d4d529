package tdxsim.actors.invariants;

/** Actor names used in violation reports where an observation carries only an id. */
final class Names {
  private Names() {}

  static String vcpu(int id) {
    assert id >= 0 : "the name of vcpu " + id;
    return tdxsim.actors.vcpu.VcpuNames.of(id); // shared strings: this runs on every fault's end
  }
}
