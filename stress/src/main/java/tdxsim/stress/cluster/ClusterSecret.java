package tdxsim.stress.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret and the proof a node derives from it. The secret never leaves the node: what a
 * joining node presents (in the configuration Pekko Cluster sends with its join, see {@link JoinCheck}) is
 * HMAC-SHA256(secret, "tdxsim cluster join" + model version), and the node it joins accepts it only if its own
 * secret gives the same value. Artery TLS is not used (it needs a key store and certificates per node); so the
 * proof keeps out nodes that lack the secret, but the traffic itself is plain TCP: run the cluster on a trusted
 * network, or tunnel it.
 *
 * @param key the secret's bytes (a file's content, or an environment variable's value, trimmed)
 * @param origin where it came from, for messages ("file F", "$TDXSIM_CLUSTER_SECRET")
 */
public record ClusterSecret(byte[] key, String origin) {
  public static final String ENV = "TDXSIM_CLUSTER_SECRET";
  /** Fewer bytes than this is no secret (a typo, an empty file). */
  static final int MIN_BYTES = 16;

  /**
   * The secret from {@code file} if given, else from {@link #ENV}.
   *
   * @throws IllegalArgumentException in one line if neither holds a secret of {@link #MIN_BYTES} bytes or more
   */
  public static ClusterSecret load(Path file) {
    String text;
    String origin;
    if (file != null) {
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cluster secret file " + file + ": cannot read: " + e.getMessage());
      }
      origin = "file " + file;
    } else {
      text = System.getenv(ENV);
      origin = "$" + ENV;
      if (text == null) {
        throw new IllegalArgumentException("no cluster secret: set " + ENV + " or give --secret-file FILE (the same "
            + "on every node; e.g. head -c 32 /dev/urandom | base64 > FILE)");
      }
    }
    byte[] key = text.strip().getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException("cluster secret (" + origin + ") has " + key.length + " bytes; at least "
          + MIN_BYTES + " are needed");
    }
    return new ClusterSecret(key, origin);
  }

  /** What a node of {@code modelVersion} presents: hex HMAC-SHA256 over the version. */
  public String proof(String modelVersion) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(("tdxsim cluster join " + modelVersion)
          .getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
    }
  }

  /** Whether {@code presented} is the proof of {@code modelVersion} under this secret (in constant time). */
  public boolean verifies(String modelVersion, String presented) {
    return presented != null && MessageDigest.isEqual(proof(modelVersion).getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }
}
