package tdxsim.stress.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} of a truncated or corrupted binary record: one line on stderr, exit 2, nothing written. */
class ReplayRefusesBrokenRecordTest {
  @Test
  void aTruncatedOrCorruptedRecordIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    Path rec = dir.resolve("run.rec");
    CliRun stress = CliRun.of("stress", "--vcpus", "8", "--td-vcpus", "4", "--duration", "1s", "--threads", "2",
        "--record", rec.toString());
    assertEquals(Main.EXIT_OK, stress.exit(), stress.toString());
    byte[] good = Files.readAllBytes(rec);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x20;
    for (byte[] bad : new byte[][] {Arrays.copyOf(good, good.length / 2), flipped}) {
      Path f = dir.resolve("bad.rec");
      Files.write(f, bad);
      CliRun r = CliRun.of("replay", f.toString());
      assertEquals(2, r.exit(), r.toString());
      assertEquals(1, r.err().strip().split("\n").length, r.err());
      assertTrue(r.err().matches("(?s).*record .*bad\\.rec: (truncated|corrupted).*"), r.err());
      try (var files = Files.list(dir)) {
        assertEquals(2, files.count(), "nothing written beside the two records");
      }
    }
  }
}
