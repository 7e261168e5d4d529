package tdxsim.stress.cluster;

/**
 * A node's address as the command line gives it: {@code HOST:PORT} ({@code [v6]:PORT} for IPv6).
 *
 * @param host a name or an address; bound as given
 * @param port 0 for any free port (a worker)
 */
public record HostPort(String host, int port) {
  public static final String DEFAULT_HOST = "127.0.0.1";

  public HostPort {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("no host in the address");
    if (port < 0 || port > 65_535) throw new IllegalArgumentException("port " + port + " is not in 0..65535");
  }

  /** Parses {@code HOST:PORT}, {@code HOST} (port {@code defaultPort}) or {@code :PORT} (host 127.0.0.1). */
  public static HostPort parse(String s, int defaultPort) {
    String host = s;
    int port = defaultPort;
    int colon = s.lastIndexOf(':');
    if (colon >= 0 && s.indexOf(']') < colon) {
      host = s.substring(0, colon);
      String p = s.substring(colon + 1);
      try {
        port = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + s + "' is not HOST:PORT (port '" + p + "' is not a number)");
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return new HostPort(host.isEmpty() ? DEFAULT_HOST : host, port);
  }

  /** The Pekko address of node {@code system} here. */
  String address(String system) {
    return "pekko://" + system + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
