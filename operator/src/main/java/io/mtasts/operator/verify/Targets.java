package io.mtasts.operator.verify;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where a connection to one host and port may go: the addresses found (by an override or DNS),
 * split into those that may be contacted and those that are refused because they are not public.
 *
 * @param host the host name
 * @param port the port to connect to
 * @param lookup how the addresses were found; null when a {@link ResolveOverride} supplied them
 * @param allowed the addresses that may be contacted, in order
 * @param refused the addresses that must not be contacted, each with its kind
 */
record Targets(
    String host, int port, DnsAnswer<InetAddress> lookup, List<InetAddress> allowed,
    List<Refused> refused) {

  /** An address left out, and why. */
  record Refused(InetAddress address, String kind) {
    @Override
    public String toString() {
      return address.getHostAddress() + " (" + kind + ")";
    }
  }

  /** How to lift the rule, named for both users of the verifier. */
  static final String HOW_TO_ALLOW = "to check a private deployment, allow private addresses"
      + " (check --allow-private; operator setting MTASTS_ALLOW_PRIVATE=true)";

  Targets {
    Objects.requireNonNull(host, "host");
    allowed = List.copyOf(allowed);
    refused = List.copyOf(refused);
  }

  boolean overridden() {
    return lookup == null;
  }

  boolean reachable() {
    return !allowed.isEmpty();
  }

  /** True when DNS could not say, so the absence of addresses is no verdict. */
  boolean temporaryFailure() {
    return lookup != null && lookup.isTemporaryFailure();
  }

  /** Why nothing may be contacted, for a message; only meaningful when not {@link #reachable()}. */
  String whyUnreachable() {
    if (!refused.isEmpty()) {
      return host + " resolves only to " + refused.stream().map(Refused::toString)
          .collect(Collectors.joining(", ")) + ", which is not contacted: senders on the internet"
          + " cannot reach it either; " + HOW_TO_ALLOW;
    }
    return switch (lookup.status()) {
      case NO_SUCH_DOMAIN -> host + " does not exist in DNS (NXDOMAIN); publish an A or AAAA"
          + " record for it";
      case NO_RECORDS -> host + " has no A or AAAA record" + lookup.viaCnames()
          + "; publish one";
      default -> "cannot resolve " + host + ": " + lookup.problem();
    };
  }

  /** "127.0.0.1 (from --resolve)" or "192.0.2.1, 2001:db8::1", for messages. */
  String describeAllowed() {
    String list = allowed.stream().map(InetAddress::getHostAddress)
        .collect(Collectors.joining(", "));
    return overridden() ? list + " (fixed by --resolve)" : list;
  }
}
