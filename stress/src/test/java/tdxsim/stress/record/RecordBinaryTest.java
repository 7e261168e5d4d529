package tdxsim.stress.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tdxsim.actors.monitor.Violation;

/**
 * The compact binary record: the same record back, fewer bytes than the JSON one, and a truncated or corrupted
 * file refused with one line that says so (every prefix of the file, every single flipped byte).
 */
class RecordBinaryTest {
  @Test
  void roundTripsAndIsSmallerThanJson(@TempDir Path dir) throws Exception {
    for (Violation v : new Violation[] {null, new Violation("inv.x", "detail", List.of("a"), List.of(0x200L))}) {
      Record r = RecordFileTest.sample(v);
      Path bin = dir.resolve("r.rec");
      RecordFile.write(bin, r);
      assertTrue(RecordBinary.isBinary(bin));
      assertTrue(RecordFile.isRecord(bin));
      assertEquals(r, RecordFile.read(bin, "model-1"));
      Path json = dir.resolve("r.json");
      RecordFile.write(json, r);
      assertFalse(RecordBinary.isBinary(json));
      assertTrue(Files.size(bin) < Files.size(json), Files.size(bin) + " vs " + Files.size(json));
      assertEquals(Files.size(bin), RecordBinary.size(r));
    }
  }

  @Test
  void everyTruncationAndEveryFlippedByteIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.rec");
    RecordFile.write(f, RecordFileTest.sample(new Violation("inv.x", "detail", List.of("a"), List.of(0x200L))));
    byte[] good = Files.readAllBytes(f);
    Path bad = dir.resolve("bad.rec");
    for (int n = RecordBinary.MAGIC.length; n < good.length; n++) {
      Files.write(bad, Arrays.copyOf(good, n));
      refused(bad);
    }
    for (int i = RecordBinary.MAGIC.length; i < good.length; i++) {
      byte[] b = good.clone();
      b[i] ^= 0x5a;
      Files.write(bad, b);
      refused(bad);
    }
  }

  private static void refused(Path f) {
    RecordFormatException e = assertThrows(RecordFormatException.class, () -> RecordFile.read(f));
    assertTrue(e.getMessage().matches("record .*: (truncated|corrupted).*"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
