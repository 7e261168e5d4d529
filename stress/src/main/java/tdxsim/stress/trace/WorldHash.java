package tdxsim.stress.trace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The final-state hash a trace records: the world's state hash at the end bound to the world that ran — the model
 * version, the scenario's name and whole text, the design options in order. Replay recomputes it from the trace's
 * own fields, so a trace whose embedded scenario was edited (one vCPU made two) no longer "reproduces exactly",
 * even where the decisions can still be followed, and a trace can only vouch for the world it names.
 */
public final class WorldHash {
  private WorldHash() {}

  /** {@code stateHash} bound to the world of {@code modelVersion}, {@code scenario} and {@code options}. */
  public static long bind(String modelVersion, Trace.Scenario scenario, List<String> options, long stateHash) {
    assert scenario != null : "a hash bound to no world";
    assert options != null : "a hash bound to no world";
    MessageDigest sha = sha256();
    field(sha, modelVersion);
    field(sha, scenario.name());
    field(sha, scenario.source());
    for (String o : options) field(sha, o);
    for (int i = 0; i < Long.BYTES; i++) sha.update((byte) (stateHash >>> (8 * i)));
    byte[] d = sha.digest();
    assert d.length == 32 : "a SHA-256 digest of " + d.length + " bytes";
    long h = 0;
    for (int i = 0; i < Long.BYTES; i++) h = (h << 8) | (d[i] & 0xff);
    return h;
  }

  /** The bound hash of a run of {@code t}'s world that ended in {@code stateHash}. */
  public static long of(Trace t, long stateHash) {
    assert t != null : "the hash of no trace";
    return bind(t.modelVersion(), t.scenario(), t.options(), stateHash);
  }

  /** Length-prefixed, so that no two field lists run together into the same bytes. */
  private static void field(MessageDigest sha, String s) {
    byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    assert sha != null : "a field into no digest";
    for (int i = 0; i < Integer.BYTES; i++) sha.update((byte) (b.length >>> (8 * i)));
    sha.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
