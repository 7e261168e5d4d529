package tdxsim.actors.invariants;

import static tdxsim.actors.invariants.InvariantCatalogueTest.base;
import static tdxsim.actors.invariants.InvariantCatalogueTest.mapped2m;
import static tdxsim.actors.invariants.InvariantCatalogueTest.row;

import tdxsim.actors.monitor.TeardownObservation.PageReclaimed;
import tdxsim.actors.monitor.TeardownObservation.SeptPageFreed;
import tdxsim.actors.monitor.TeardownObservation.TeardownBegin;
import tdxsim.actors.monitor.TeardownObservation.TeardownDone;

/** The TD-teardown rows of {@link InvariantCatalogueTest}: a legal and a violating sequence per invariant. */
final class TeardownRows {
  private static final long SEPT_PAGE = 0x4000_0000_0042L;

  private TeardownRows() {}

  static void add() {
    row(Invariant.TDX_FREED_PAGE_RECLAIMED,
        s -> base(s).obs(new TeardownBegin()).obs(new PageReclaimed(SEPT_PAGE)).obs(new SeptPageFreed(SEPT_PAGE))
            .obs(new TeardownDone(true)).finish(),
        s -> base(s).obs(new TeardownBegin()).obs(new SeptPageFreed(SEPT_PAGE)).result());
    row(Invariant.TDX_TEARDOWN_UNMAPPED,
        s -> base(s).obs(new TeardownBegin()).obs(new TeardownDone(true)).finish(),
        s -> mapped2m(s).obs(new TeardownBegin()).obs(new TeardownDone(true)).result());
    row(Invariant.LIVENESS_TEARDOWN_DONE,
        s -> base(s).obs(new TeardownBegin()).obs(new TeardownDone(false)).finish(),
        s -> base(s).obs(new TeardownBegin()).finish());
  }
}
