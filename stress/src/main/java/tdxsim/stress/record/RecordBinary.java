package tdxsim.stress.record;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import tdxsim.stress.io.AtomicFiles;

/**
 * The compact record file: the magic {@code "TDXREC2\n"}, then blocks of at most 1 MB of payload, each
 * {@code [payload length, compressed length, CRC-32 of the compressed bytes]} (big-endian ints) and the payload deflated
 * (java.util.zip, fast level), then an end block of length 0 whose CRC field is the CRC-32 of the whole payload.
 * A truncated file (no end block) or a corrupted one (a CRC or the deflate stream wrong) is refused in one line.
 *
 * <p>The payload ({@link RecordCodec}) is the same content as the JSON record, in varints: per message the sender
 * index, the sender sequence number as the difference to that sender's previous message to this actor (mostly 1)
 * and the dequeue time as the difference to the actor's previous message.
 */
public final class RecordBinary {
  static final byte[] MAGIC = "TDXREC2\n".getBytes(StandardCharsets.US_ASCII);
  private static final int BLOCK = 1 << 20;

  private RecordBinary() {}

  /** Whether {@code file} starts with the magic (false if unreadable). */
  public static boolean isBinary(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Writes {@code r} atomically (a temporary file renamed). */
  public static void write(Path file, Record r) {
    AtomicFiles.write(file, raw -> {
      raw.write(MAGIC);
      assert MAGIC.length == 8 : "the record magic";
      try (Blocks out = new Blocks(raw)) {
        RecordCodec.write(r, out);
      }
    });
  }

  /** The payload of {@code r}, compressed as in a file: its size in bytes (for the benchmark). */
  public static long size(Record r) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (Blocks out = new Blocks(sink)) {
      RecordCodec.write(r, out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assert sink.size() >= 12 : "a payload without its end block";
    return MAGIC.length + sink.size();
  }

  public static Record read(Path file) {
    try (InputStream raw = Files.newInputStream(file)) {
      if (!Arrays.equals(raw.readNBytes(MAGIC.length), MAGIC)) throw fail(file, "not a binary record");
      return RecordCodec.read(new DataInputStream(new Unblocks(raw, file)), file.toString());
    } catch (NoSuchFileException e) {
      throw new RecordFormatException("record " + file + ": no such file", e);
    } catch (EOFException e) {
      throw fail(file, "truncated (the payload ends early)");
    } catch (IOException e) {
      throw new RecordFormatException("record " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  static RecordFormatException fail(Path file, String problem) {
    assert problem != null : "a record failure without its problem";
    return new RecordFormatException("record " + file + ": " + problem);
  }

  /** Deflates into blocks; close writes the end block. */
  private static final class Blocks extends OutputStream {
    private final OutputStream out;
    private final byte[] buf = new byte[BLOCK];
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private final CRC32 total = new CRC32();
    private byte[] packed = new byte[BLOCK + BLOCK / 8 + 64];
    private int n;

    Blocks(OutputStream out) {
      this.out = out;
      assert out != null : "blocks into no stream";
    }

    @Override
    public void write(int b) throws IOException {
      assert n >= 0 : "block fill " + n;
      assert n <= BLOCK : "block fill " + n;
      if (n == BLOCK) flushBlock();
      buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (n == BLOCK) flushBlock();
        int k = Math.min(len, BLOCK - n);
        System.arraycopy(b, off, buf, n, k);
        n += k;
        off += k;
        len -= k;
        assert k > 0 : "copied " + k + " into a block at " + n;
        assert n <= BLOCK : "copied " + k + " into a block at " + n;
      }
    }

    private void flushBlock() throws IOException {
      assert n >= 0 : "block fill " + n;
      assert n <= BLOCK : "block fill " + n;
      if (n == 0) return;
      total.update(buf, 0, n);
      deflater.reset();
      deflater.setInput(buf, 0, n);
      deflater.finish();
      int len = 0;
      while (!deflater.finished()) {
        if (len == packed.length) packed = Arrays.copyOf(packed, packed.length * 2);
        len += deflater.deflate(packed, len, packed.length - len);
      }
      CRC32 crc = new CRC32();
      crc.update(packed, 0, len);
      header(n, len, (int) crc.getValue());
      out.write(packed, 0, len);
      assert len > 0 : "a block deflated to " + len;
      assert len <= packed.length : "a block deflated to " + len;
      n = 0;
    }

    private void header(int plain, int compressed, int crc) throws IOException {
      // a block's payload fits a block; only the end block is (0, 0, total CRC)
      assert plain >= 0 : plain + "/" + compressed;
      assert plain <= BLOCK : plain + "/" + compressed;
      assert compressed >= 0 : plain + "/" + compressed;
      assert (plain > 0 || compressed == 0) : plain + "/" + compressed;
      for (int v : new int[] {plain, compressed, crc}) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
      }
    }

    @Override
    public void close() throws IOException {
      flushBlock();
      assert n == 0 : "data left after the last block";
      header(0, 0, (int) total.getValue());
      deflater.end();
      out.flush();
    }
  }

  /** Inflates the blocks, checking every CRC; the end block's total CRC too. */
  private static final class Unblocks extends InputStream {
    private final DataInputStream in;
    private final Path file;
    private final CRC32 total = new CRC32();
    private final Inflater inflater = new Inflater();
    private byte[] buf = new byte[0];
    private int pos;
    private int len;
    private boolean ended;

    Unblocks(InputStream raw, Path file) {
      this.in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
      this.file = file;
      assert raw != null : "unblocks of no stream";
      assert file != null : "unblocks of no stream";
    }

    @Override
    public int read() throws IOException {
      assert pos >= 0 : "cursor " + pos + " of " + len;
      assert pos <= len : "cursor " + pos + " of " + len;
      assert len <= buf.length : "cursor " + pos + " of " + len;
      if (pos == len && !next()) return -1;
      return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      if (n == 0) return 0;
      if (pos == len && !next()) return -1;
      int k = Math.min(n, len - pos);
      assert k > 0 : "read of " + k + " at " + off;
      assert off >= 0 : "read of " + k + " at " + off;
      assert off + k <= b.length : "read of " + k + " at " + off;
      System.arraycopy(buf, pos, b, off, k);
      pos += k;
      return k;
    }

    private boolean next() throws IOException {
      if (ended) return false;
      int plain = in.readInt();
      int compressed = in.readInt();
      int crc = in.readInt();
      if (plain == 0) {
        ended = true;
        if (compressed != 0 || crc != (int) total.getValue()) {
          throw fail(file, "corrupted (the end block does not match the payload)");
        }
        if (in.read() != -1) throw fail(file, "corrupted (data after the end block)");
        return false;
      }
      if (plain < 0 || plain > BLOCK || compressed < 0 || compressed > 2 * BLOCK + 64) {
        throw fail(file, "corrupted (a block header is out of range)");
      }
      byte[] packed = in.readNBytes(compressed);
      if (packed.length < compressed) throw new EOFException();
      CRC32 c = new CRC32();
      c.update(packed);
      if ((int) c.getValue() != crc) throw fail(file, "corrupted (a block's CRC does not match)");
      if (buf.length < plain) buf = new byte[plain];
      inflater.reset();
      inflater.setInput(packed);
      try {
        if (inflater.inflate(buf, 0, plain) != plain || !inflater.finished()) {
          throw fail(file, "corrupted (a block does not inflate to its length)");
        }
      } catch (DataFormatException e) {
        throw fail(file, "corrupted (a block does not inflate: " + e.getMessage() + ")");
      }
      total.update(buf, 0, plain);
      assert plain > 0 : "a block of " + plain + " in " + buf.length;
      assert plain <= buf.length : "a block of " + plain + " in " + buf.length;
      pos = 0;
      len = plain;
      assert pos == 0 : "a block read to " + len;
      assert len > 0 : "a block read to " + len;
      return true;
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}
