package io.mtasts.operator.verify;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the addresses for a connection: a {@link ResolveOverride} for the host and port if there is
 * one, else A and AAAA records through the verifier's own DNS servers (never the system's lookup,
 * so that the policy host is resolved the way the TXT records were). Non-public addresses are set
 * aside unless allowed.
 */
final class TargetResolver {

  private final DnsLookup dns;
  private final List<ResolveOverride> overrides;
  private final boolean allowPrivate;

  TargetResolver(DnsLookup dns, List<ResolveOverride> overrides, boolean allowPrivate) {
    this.dns = dns;
    this.overrides = List.copyOf(overrides);
    this.allowPrivate = allowPrivate;
  }

  Targets resolve(String host, int port) {
    Optional<ResolveOverride> override =
        overrides.stream().filter(o -> o.appliesTo(host, port)).findFirst();
    if (override.isPresent()) {
      return split(host, port, null, override.get().addresses());
    }
    DnsAnswer<InetAddress> answer = dns.await(dns.addresses(host), host);
    return split(host, port, answer, answer.records());
  }

  private Targets split(
      String host, int port, DnsAnswer<InetAddress> lookup, List<InetAddress> addresses) {
    List<InetAddress> allowed = new ArrayList<>();
    List<Targets.Refused> refused = new ArrayList<>();
    for (InetAddress address : addresses) {
      Optional<String> kind = allowPrivate ? Optional.empty() : NonPublicAddresses.kind(address);
      if (kind.isPresent()) {
        refused.add(new Targets.Refused(address, kind.get()));
      } else {
        allowed.add(address);
      }
    }
    return new Targets(host, port, lookup, allowed, refused);
  }
}
