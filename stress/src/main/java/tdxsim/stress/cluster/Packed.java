package tdxsim.stress.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A range's outcome as it crosses the network: gzipped, in Base64. Its traces are JSON that repeats itself (every
 * delivery names receiver, sender and message), and a message larger than Artery's frame is dropped, so the run
 * would wait for it forever: packed, a clean range's last trace of a few hundred KB is a few tens; one still over
 * {@link #MAX_CHARS} is refused by the worker ({@link WorkerSlots}), loudly.
 */
final class Packed {
  /** Below the coordinator's large-message frame ({@link NodeConfig}: 16 MiB), with room for the envelope. */
  static final int MAX_CHARS = 15 << 20;

  private Packed() {}

  static String pack(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static String unpack(String packed) {
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(packed)))) {
      return new String(gz.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("a range's outcome that does not unpack: " + e.getMessage(), e);
    }
  }
}
