package tdxsim.stress.hunt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tdxsim.stress.catalogue.Catalogue;

/** What {@code catalogue --hunt} skips in a row's hunts besides the baseline's windows. */
class HuntBenchmarkTest {
  private final Map<List<String>, Set<String>> expected = HuntBenchmark.expectedByOptions(Catalogue.load());

  @Test
  void m9sHuntsSkipR8sWindowTheV1RefcountHasAlone() {
    Set<String> r8 = expected.get(List.of("v1-folio-refcount"));
    assertTrue(r8.contains("gmem.failed-conversion-no-zap"), r8.toString());
    Set<String> windows = HuntBenchmark.baseWindows(List.of("mut-refcount-imbalance"), expected);
    assertEquals(r8, windows);
    // and none of M9's own invariants is among them: skipping would hide the mutation itself
    assertFalse(windows.stream().anyMatch(expected.get(List.of("mut-refcount-imbalance"))::contains), windows.toString());
  }

  @Test
  void aMutationThatBuildsOnNothingSkipsOnlyTheBaselines() {
    assertEquals(Set.of(), HuntBenchmark.baseWindows(List.of("mut-skip-kick"), expected));
    assertEquals(Set.of(), HuntBenchmark.baseWindows(List.of("v1-folio-refcount"), expected));
    assertEquals(Set.of(), HuntBenchmark.baseWindows(List.of("a-plugins-option"), expected));
  }
}
