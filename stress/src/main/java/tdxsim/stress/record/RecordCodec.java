package tdxsim.stress.record;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.trace.Trace;

/**
 * The payload of a binary record ({@link RecordBinary}): the record's fields in order, numbers as unsigned LEB128
 * varints (signed ones zigzagged), strings as a varint byte length and UTF-8, the final-state hash as 8 bytes;
 * then the sender table and per actor its name, its message count and per message three varints: sender index,
 * sender sequence minus that sender's previous one to this actor, dequeue time minus the actor's previous one.
 */
final class RecordCodec {
  private static final int FORMAT = 2;

  private RecordCodec() {}

  static void write(Record r, OutputStream out) throws IOException {
    assert r != null : "write of no record";
    assert out != null : "write of no record";
    Out o = new Out(out);
    o.varint(FORMAT);
    o.str(r.toolVersion());
    o.str(r.modelVersion());
    o.str(r.scenario().name());
    o.str(r.scenario().source());
    o.strs(r.options());
    o.varint(r.vcpus());
    o.zigzag(r.worldSeed());
    o.varint(r.threads());
    o.zigzag(r.elapsedNanos());
    o.str(r.stoppedBy());
    Violation v = r.violation();
    o.varint(v == null ? 0 : 1);
    if (v != null) {
      o.str(v.invariant());
      o.str(v.detail());
      o.strs(v.actors());
      o.varint(v.gfns().size());
      for (long g : v.gfns()) o.zigzag(g);
    }
    for (int s = 56; s >= 0; s -= 8) out.write((int) (r.finalStateHash() >>> s));
    List<String> senders = r.orders().senders();
    o.strs(senders);
    long[] lastSeq = new long[senders.size()];
    o.varint(r.orders().actors().size());
    for (ReceiveOrder a : r.orders().actors()) {
      o.str(a.actor());
      o.varint(a.size());
      Arrays.fill(lastSeq, 0);
      long prev = 0;
      for (int i = 0; i < a.size(); i++) {
        int s = a.sender(i);
        assert s >= 0 : a.actor() + ": sender index " + s + " of " + senders.size();
        assert s < senders.size() : a.actor() + ": sender index " + s + " of " + senders.size();
        o.varint(s);
        o.zigzag(a.senderSeq(i) - lastSeq[s]);
        lastSeq[s] = a.senderSeq(i);
        o.zigzag(a.time(i) - prev);
        prev = a.time(i);
      }
    }
  }

  static Record read(DataInputStream in, String file) throws IOException {
    assert in != null : "read of no stream";
    assert file != null : "read of no stream";
    In i = new In(in, file);
    long format = i.varint();
    if (format != FORMAT) throw i.fail("format " + format + ", this tdxsim reads format " + FORMAT);
    String tool = i.str();
    String model = i.str();
    Trace.Scenario scenario = new Trace.Scenario(i.str(), i.str());
    List<String> options = i.strs();
    int vcpus = (int) i.varint();
    long seed = i.zigzag();
    int threads = (int) i.varint();
    long elapsed = i.zigzag();
    String stoppedBy = i.str();
    Violation v = null;
    if (i.varint() == 1) {
      String inv = i.str();
      String detail = i.str();
      List<String> actors = i.strs();
      List<Long> gfns = new ArrayList<>();
      for (long n = i.count(); n > 0; n--) gfns.add(i.zigzag());
      v = new Violation(inv, detail, actors, gfns);
    }
    long hash = in.readLong();
    List<String> senders = i.strs();
    long[] lastSeq = new long[senders.size()];
    List<ReceiveOrder> actors = new ArrayList<>();
    for (long n = i.count(); n > 0; n--) {
      String actor = i.str();
      int size = (int) i.count();
      long[] ids = new long[size];
      long[] times = new long[size];
      Arrays.fill(lastSeq, 0);
      long prev = 0;
      for (int k = 0; k < size; k++) {
        long s = i.varint();
        if (s >= senders.size()) throw i.fail(actor + ": sender index out of range: " + s);
        lastSeq[(int) s] += i.zigzag();
        if (lastSeq[(int) s] < 0 || lastSeq[(int) s] > ReceiveOrder.SEQ_MASK) {
          throw i.fail(actor + ": sender sequence number out of range: " + lastSeq[(int) s]);
        }
        ids[k] = ReceiveOrder.pack((int) s, lastSeq[(int) s]);
        prev += i.zigzag();
        times[k] = prev;
      }
      actors.add(new ReceiveOrder(actor, ids, times));
      assert ids.length == size : actor + ": " + ids.length + " messages of " + size;
      assert times.length == size : actor + ": " + ids.length + " messages of " + size;
    }
    if (in.read() != -1) throw i.fail("data after the receive orders");
    return new Record(tool, model, scenario, options, vcpus, seed, threads, elapsed, stoppedBy,
        new ReceiveOrders(senders, actors), v, hash);
  }

  private static final class Out {
    private final OutputStream out;

    Out(OutputStream out) {
      this.out = out;
      assert out != null : "varints into no stream";
    }

    void varint(long v) throws IOException {
      while ((v & ~0x7fL) != 0) {
        out.write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    void zigzag(long v) throws IOException {
      // zigzag is a bijection: what In.zigzag decodes is what was encoded
      assert ((((v << 1) ^ (v >> 63)) >>> 1) ^ -(((v << 1) ^ (v >> 63)) & 1)) == v : "zigzag of " + v;
      varint((v << 1) ^ (v >> 63));
    }

    void str(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assert b.length <= In.MAX_STRING : "a string of " + b.length + " bytes, more than a reader accepts";
      varint(b.length);
      out.write(b);
    }

    void strs(List<String> l) throws IOException {
      assert l.size() <= In.MAX_COUNT : "a list of " + l.size() + ", more than a reader accepts";
      varint(l.size());
      for (String s : l) str(s);
    }
  }

  private static final class In {
    private static final int MAX_STRING = 64 << 20;
    private static final int MAX_COUNT = Integer.MAX_VALUE - 8;
    private final DataInputStream in;
    private final String file;

    In(DataInputStream in, String file) {
      this.in = in;
      this.file = file;
      assert in != null : "varints from no stream";
      assert file != null : "varints from no stream";
    }

    RecordFormatException fail(String problem) {
      assert problem != null : "a failure without its problem";
      return new RecordFormatException("record " + file + ": " + problem);
    }

    long varint() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.readUnsignedByte();
        v |= (long) (b & 0x7f) << shift;
        assert b >= 0 : "a byte of " + b;
        assert b <= 0xff : "a byte of " + b;
        if ((b & 0x80) == 0) return v;
      }
      throw fail("a varint longer than 64 bits");
    }

    long zigzag() throws IOException {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    long count() throws IOException {
      long n = varint();
      if (n < 0 || n > MAX_COUNT) throw fail("a count out of range: " + n);
      return n;
    }

    String str() throws IOException {
      long n = varint();
      if (n < 0 || n > MAX_STRING) throw fail("a string length out of range: " + n);
      byte[] b = new byte[(int) n];
      assert b.length == n : "a string buffer of " + b.length + " for " + n;
      in.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    List<String> strs() throws IOException {
      assert file != null : "strings from no file";
      List<String> l = new ArrayList<>();
      for (long n = count(); n > 0; n--) l.add(str());
      return l;
    }
  }
}
