package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  private final Table t = new Table(List.of("id", "cell")).row(List.of("R2", "3/3, 1, 4 ms")).row(List.of("M10", "a|b"));

  @Test
  void textAlignsColumnsWithoutTrailingBlanks() {
    assertEquals("""
        id   cell
        ---  ------------
        R2   3/3, 1, 4 ms
        M10  a|b
        """, t.text());
  }

  @Test
  void markdownEscapesPipes() {
    assertEquals("""
        | id | cell |
        | --- | --- |
        | R2 | 3/3, 1, 4 ms |
        | M10 | a\\|b |
        """, t.markdown());
  }

  @Test
  void aRowMustFitTheHeader() {
    assertThrows(IllegalArgumentException.class, () -> t.row(List.of("x")));
  }
}
