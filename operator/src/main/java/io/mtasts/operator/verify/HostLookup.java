package io.mtasts.operator.verify;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks whether a host name resolves, with the verifier's DNS servers and timeout: the question a
 * certificate authority's validation asks first. Thread-safe; keeps no cache, so a record just
 * published is seen at the next question (as far as the servers asked do not cache).
 */
public final class HostLookup {

  private final DnsLookup dns;
  private final Duration timeout;

  public HostLookup(VerifierSettings settings) {
    this.dns = new DnsLookup(settings.dnsServers(), settings.timeout());
    this.timeout = settings.timeout();
  }

  /** What DNS said about one host. */
  public record HostAnswer(String host, Kind kind, List<String> addresses, List<String> cnameChain,
      String problem) {

    /** The outcome. */
    public enum Kind {
      /** An A or AAAA record, or a CNAME: the name is published. */
      RESOLVES,
      /** NXDOMAIN or no address: nothing is published yet. */
      ABSENT,
      /** A timeout, SERVFAIL or broken zone data: nothing is known. */
      FAILED
    }

    public HostAnswer {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(kind, "kind");
      addresses = List.copyOf(addresses);
      cnameChain = List.copyOf(cnameChain);
      Objects.requireNonNull(problem, "problem");
    }

    public boolean resolves() {
      return kind == Kind.RESOLVES;
    }
  }

  /** Looks up the addresses of {@code host}, waiting at most about the configured timeout. */
  public HostAnswer lookup(String host) {
    CompletableFuture<DnsAnswer<InetAddress>> pending = dns.addresses(host);
    DnsAnswer<InetAddress> answer;
    try {
      answer = pending.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.cancel(true);
      return new HostAnswer(host, HostAnswer.Kind.FAILED, List.of(), List.of(), "interrupted");
    } catch (ExecutionException | TimeoutException e) {
      pending.cancel(true);
      return new HostAnswer(host, HostAnswer.Kind.FAILED, List.of(), List.of(),
          "no answer within " + Durations.describe(timeout) + " from " + dns.servers());
    }
    return read(host, answer);
  }

  static HostAnswer read(String host, DnsAnswer<InetAddress> answer) {
    List<String> addresses = answer.records().stream().map(InetAddress::getHostAddress).toList();
    // a CNAME is the customer's part done, even while its target has no address yet
    if (answer.isFound() || !answer.cnameChain().isEmpty()) {
      return new HostAnswer(host, HostAnswer.Kind.RESOLVES, addresses, answer.cnameChain(), "");
    }
    if (answer.isAbsent()) {
      return new HostAnswer(host, HostAnswer.Kind.ABSENT, List.of(), List.of(),
          answer.describeFailure("A/AAAA"));
    }
    return new HostAnswer(host, HostAnswer.Kind.FAILED, List.of(), List.of(),
        answer.describeFailure("A/AAAA"));
  }
}
