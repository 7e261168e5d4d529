package tdxsim.actors.invariants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static tdxsim.actors.invariants.Script.GMEM;
import static tdxsim.actors.invariants.Script.K4;
import static tdxsim.actors.invariants.Script.M2;
import static tdxsim.actors.invariants.Script.R;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.GmemObservation.UserMapping;
import tdxsim.actors.monitor.Violation;

/** gmem.conversion-all-or-nothing / failed-conversion-no-zap: success and failure shapes [R6, R7]. */
class ConversionTest {
  static final String ALL = Invariant.GMEM_CONVERSION_ALL_OR_NOTHING.id();

  static Optional<String> id(Optional<Violation> v) {
    return v.map(Violation::invariant);
  }

  static Script mapped() {
    return InvariantCatalogueTest.base(new Script(2)).fault(0, R(0), M2).accept(0, R(0), M2);
  }

  @Test
  void boundaryConversionSplitsThenZapsOnlyTheConvertedPage() {
    Script s = mapped().begin("to_shared", R(0) + 3, R(0) + 4).splitLocked(GMEM, R(0)).zapLocked(GMEM, R(0) + 3, K4);
    assertEquals(Optional.empty(), s.end("to_shared", R(0) + 3, R(0) + 4, false, true).finish());
  }

  @Test
  void successThatLeftAPrivateLeafFires() {
    Script s = mapped().begin("to_shared", R(0) + 3, R(0) + 4).splitLocked(GMEM, R(0));
    // no zap: the attributes would already fire gmem.private-mapping-of-shared, so do not change them
    assertEquals(Optional.of(ALL), id(s.end("to_shared", R(0) + 3, R(0) + 4, null, true).result()));
  }

  @Test
  void successToPrivateWithTheIommuStillMappedFires() {
    Script s = InvariantCatalogueTest.base(new Script(2)).obs(new UserMapping("iommu", R(1), R(2), true));
    s.begin("to_private", R(1), R(2));
    assertEquals(Optional.of(ALL), id(s.end("to_private", R(1), R(2), true, true).result()));
  }

  @Test
  void successWithoutTheAttributeChangeFires() {
    Script s = InvariantCatalogueTest.base(new Script(2)).begin("to_shared", R(1), R(2));
    assertEquals(Optional.of(ALL), id(s.end("to_shared", R(1), R(2), null, true).result()));
  }

  @Test
  void failureThatChangedTheAttributesFires() {
    Script s = InvariantCatalogueTest.base(new Script(2)).begin("to_shared", R(1), R(2));
    assertEquals(Optional.of(ALL), id(s.end("to_shared", R(1), R(2), false, false).result()));
  }

  @Test
  void failureThatTouchedNothingIsLegal() {
    Script s = mapped().obs(new UserMapping("userspace", R(1), R(2), true)).begin("to_private", R(1), R(2));
    assertEquals(Optional.empty(), s.end("to_private", R(1), R(2), null, false).finish());
  }
}
