package io.mtasts.operator.verify;

import java.util.Objects;

/**
 * A server given as {@code HOST[:PORT]}: a name, an IPv4 literal, or an IPv6 literal (in brackets
 * when a port follows, as in {@code [2001:db8::53]:5353}).
 *
 * @param host the name or address literal, without brackets
 * @param port 1 to 65535
 */
public record HostAndPort(String host, int port) {

  public HostAndPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    checkPort(port, host);
  }

  /**
   * Parses {@code HOST[:PORT]}, using {@code defaultPort} when no port is given.
   *
   * @throws IllegalArgumentException with a message that shows the accepted forms
   */
  public static HostAndPort parse(String text, int defaultPort) {
    Objects.requireNonNull(text, "text");
    String usage = "'" + text + "' is not HOST[:PORT] (examples: 192.0.2.53, 192.0.2.53:5353,"
        + " [2001:db8::53]:5353, dns.example.net)";
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 2) {
        throw new IllegalArgumentException(usage);
      }
      String host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (rest.isEmpty()) {
        return new HostAndPort(host, defaultPort);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException(usage);
      }
      return new HostAndPort(host, parsePort(rest.substring(1), text));
    }
    int first = text.indexOf(':');
    if (first < 0) {
      return of(text, defaultPort, usage);
    }
    if (text.indexOf(':', first + 1) >= 0) {
      // several colons and no brackets: a bare IPv6 literal, which cannot carry a port
      return of(text, defaultPort, usage);
    }
    return of(text.substring(0, first), parsePort(text.substring(first + 1), text), usage);
  }

  private static HostAndPort of(String host, int port, String usage) {
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c >= 0x7f)) {
      throw new IllegalArgumentException(usage);
    }
    return new HostAndPort(host, port);
  }

  /** Parses a port number 1 to 65535; {@code context} is the whole text, for the message. */
  static int parsePort(String text, String context) {
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' in '" + context + "' is not a port number (1 to 65535)");
    }
    checkPort(port, context);
    return port;
  }

  static void checkPort(int port, String context) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "port " + port + " of '" + context + "' is outside 1 to 65535");
    }
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
