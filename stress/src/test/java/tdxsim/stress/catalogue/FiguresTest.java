package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The medians the tables print and the way they print them. */
class FiguresTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(OptionalDouble.of(3), Medians.of(new double[] {9, 1, 3}));
    assertEquals(OptionalDouble.of(2.5), Medians.of(new double[] {4, 1, 2, 3}));
    assertTrue(Medians.of(new double[0]).isEmpty());
  }

  @Test
  void countsTimesAndMeans() {
    assertEquals("3", Figures.count(3.0));
    assertEquals("2.5", Figures.count(2.5));
    assertEquals("-", Figures.count(OptionalDouble.empty()));
    assertEquals("31 ms", Figures.seconds(0.0314));
    assertEquals("4.2 s", Figures.seconds(4.19));
    assertEquals("0.04", Figures.mean(0.04));
    assertEquals("515.7", Figures.mean(515.68));
    assertEquals("6", Figures.mean(6.0));
  }
}
