package io.mtasts.operator.verify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.xbill.DNS.Address;

/**
 * A fixed address for connections to one host and port, as curl's {@code --resolve
 * HOST:PORT:ADDRESS}: it replaces the DNS lookup of that host for connections to that port only
 * (the TXT and MX lookups are unaffected). It lets a new policy host be tested before DNS points at
 * it.
 *
 * @param host the host name, lower case, without a trailing dot
 * @param port the port the override applies to
 * @param addresses the addresses to connect to, in order; literals only, never looked up
 */
public record ResolveOverride(String host, int port, List<InetAddress> addresses) {

  public ResolveOverride {
    Objects.requireNonNull(host, "host");
    HostAndPort.checkPort(port, host);
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("an override needs at least one address");
    }
  }

  /**
   * Parses {@code HOST:PORT:ADDRESS[,ADDRESS...]}; an IPv6 address may be written in brackets.
   *
   * @throws IllegalArgumentException with a message that shows the accepted form
   */
  public static ResolveOverride parse(String text) {
    Objects.requireNonNull(text, "text");
    String usage = "'" + text + "' is not HOST:PORT:ADDRESS (for example"
        + " mta-sts.example.com:443:192.0.2.10 or mta-sts.example.com:443:[2001:db8::10])";
    int first = text.indexOf(':');
    int second = first < 0 ? -1 : text.indexOf(':', first + 1);
    if (first <= 0 || second < 0 || second == text.length() - 1) {
      throw new IllegalArgumentException(usage);
    }
    String host = normalizeHost(text.substring(0, first));
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c >= 0x7f)) {
      throw new IllegalArgumentException(usage);
    }
    int port = HostAndPort.parsePort(text.substring(first + 1, second), text);
    List<InetAddress> addresses = new ArrayList<>();
    for (String literal : text.substring(second + 1).split(",", -1)) {
      addresses.add(parseLiteral(literal, text));
    }
    return new ResolveOverride(host, port, addresses);
  }

  /** Whether this override applies to a connection to {@code host} on {@code port}. */
  public boolean appliesTo(String host, int port) {
    return this.port == port && this.host.equals(normalizeHost(host));
  }

  static String normalizeHost(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    return h.toLowerCase(Locale.ROOT);
  }

  private static InetAddress parseLiteral(String literal, String context) {
    String bare = literal.startsWith("[") && literal.endsWith("]")
        ? literal.substring(1, literal.length() - 1)
        : literal;
    try {
      // dnsjava parses literals only; a name here is an error, never a lookup
      return Address.getByAddress(bare);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + literal + "' in '" + context
          + "' is not an IPv4 or IPv6 address literal");
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(host).append(':').append(port).append(':');
    for (int i = 0; i < addresses.size(); i++) {
      String a = addresses.get(i).getHostAddress();
      sb.append(i == 0 ? "" : ",").append(a.indexOf(':') >= 0 ? "[" + a + "]" : a);
    }
    return sb.toString();
  }
}
