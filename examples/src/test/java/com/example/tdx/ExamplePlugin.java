package com.example.tdx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tdxsim.actors.monitor.MmuObservation;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.monitor.SeptObservation;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.SeamcallLeaf;
import tdxsim.protocol.TdxStatus;
import tdxsim.stress.ext.DesignChange;
import tdxsim.stress.ext.TdxSimPlugin;
import tdxsim.stress.ext.UserInvariant;

/**
 * The design under review and the property we worry about, as a tdxsim plugin (named in
 * META-INF/services/tdxsim.stress.ext.TdxSimPlugin, so the tests and ./tdxsim --plugin find it).
 */
public final class ExamplePlugin implements TdxSimPlugin {
  @Override
  public String name() {
    return "example";
  }

  @Override
  public String version() {
    return "1.0";
  }

  /** A design: kvm_mmu_invalidate_begin() without kvm_mmu_invalidate_range_add() (the range stays empty). */
  @Override
  public List<DesignChange<?>> options() {
    return List.of(DesignChange.rewrite("example-skip-range-add", "invalidate_begin without range_add",
        "mmu-lock", MmuLockMsg.class,
        m -> {
          if (m instanceof MmuLockMsg.InvalidateBegin b) {
            return new MmuLockMsg.InvalidateBegin(b.owner(), b.start(), b.start(), b.replyTo(), b.tag());
          }
          if (m instanceof MmuLockMsg.InvalidateEnd e) {
            return new MmuLockMsg.InvalidateEnd(e.owner(), e.start(), e.start(), e.replyTo(), e.tag());
          }
          return m;
        }));
  }

  /** A property: no TDH.MEM.PAGE.AUG succeeds inside a range being invalidated. */
  @Override
  public List<UserInvariant> invariants() {
    return List.of(new UserInvariant("example.no-aug-during-invalidation",
        "TDH.MEM.PAGE.AUG never succeeds inside an in-progress mmu invalidation", config -> new NoAug()));
  }

  static final class NoAug implements UserInvariant.Check {
    private final List<long[]> ranges = new ArrayList<>();
    private String broken;

    @Override
    public void observe(Observation o) {
      if (o instanceof MmuObservation.InvalidateBegin b) {
        ranges.add(new long[] {b.start(), b.end()});
      } else if (o instanceof MmuObservation.InvalidateEnd e) {
        ranges.removeIf(r -> r[0] == e.start() && r[1] == e.end());
      } else if (o instanceof SeptObservation.SeamcallCompleted s && s.leaf() == SeamcallLeaf.TDH_MEM_PAGE_AUG
          && s.status() == TdxStatus.TDX_SUCCESS && broken == null) {
        for (long[] r : ranges) {
          if (s.gfn() >= r[0] && s.gfn() < r[1]) broken = String.format("AUG of 0x%x by %s", s.gfn(), s.caller());
        }
      }
    }

    @Override
    public Optional<String> afterDelivery() {
      return Optional.ofNullable(broken);
    }
  }
}
