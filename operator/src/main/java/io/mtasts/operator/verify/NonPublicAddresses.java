package io.mtasts.operator.verify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Address;

/**
 * Recognises addresses the verifier must not connect to unless told it may: loopback, private-use,
 * link-local, shared (CGNAT), multicast and other special-purpose ranges, and the cloud metadata
 * services among them. A domain's DNS is written by whoever owns the domain, so without this rule
 * the checks could be pointed at services inside the network the verifier runs in.
 */
final class NonPublicAddresses {

  /** One range: a prefix of an address and what to call addresses in it. */
  private record Range(byte[] prefix, int bits, String kind) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int fullBytes = bits / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[fullBytes] & mask) == (prefix[fullBytes] & mask);
    }
  }

  // exact addresses first, so a metadata service is named as such rather than by its range
  private static final List<Range> RANGES = List.of(
      range("169.254.169.254", 32, "a cloud metadata service"),
      range("169.254.170.2", 32, "a cloud metadata service"),
      range("100.100.100.200", 32, "a cloud metadata service"),
      range("192.0.0.192", 32, "a cloud metadata service"),
      range("fd00:ec2::254", 128, "a cloud metadata service"),
      range("0.0.0.0", 8, "the unspecified network"),
      range("10.0.0.0", 8, "private-use"),
      range("100.64.0.0", 10, "shared address space (carrier-grade NAT)"),
      range("127.0.0.0", 8, "loopback"),
      range("169.254.0.0", 16, "link-local"),
      range("172.16.0.0", 12, "private-use"),
      range("192.0.0.0", 24, "special-purpose"),
      range("192.168.0.0", 16, "private-use"),
      range("198.18.0.0", 15, "benchmarking"),
      range("224.0.0.0", 4, "multicast"),
      range("240.0.0.0", 4, "reserved"),
      range("::", 128, "the unspecified address"),
      range("::1", 128, "loopback"),
      range("fc00::", 7, "unique local (private-use)"),
      range("fe80::", 10, "link-local"),
      range("fec0::", 10, "site-local"),
      range("ff00::", 8, "multicast"));

  private static final Range IPV4_MAPPED = range("::ffff:0.0.0.0", 96, "");
  private static final Range NAT64 = range("64:ff9b::", 96, "");

  private NonPublicAddresses() {}

  /** What kind of non-public address this is, or empty for an address on the internet. */
  static Optional<String> kind(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address
        && (IPV4_MAPPED.contains(bytes) || NAT64.contains(bytes))) {
      // an IPv4 address in IPv6 clothing is judged by the IPv4 address
      return kind(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
    }
    for (Range range : RANGES) {
      if (range.contains(bytes)) {
        return Optional.of(range.kind());
      }
    }
    return Optional.empty();
  }

  private static InetAddress ipv4(byte[] bytes) {
    try {
      return Inet4Address.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static Range range(String literal, int bits, String kind) {
    // raw bytes: InetAddress would turn ::ffff:a.b.c.d into a four-byte address
    byte[] bytes = Address.toByteArray(literal, literal.indexOf(':') >= 0 ? Address.IPv6
        : Address.IPv4);
    if (bytes == null) {
      throw new IllegalStateException("bad literal in the range table: " + literal);
    }
    return new Range(bytes, bits, kind);
  }
}
