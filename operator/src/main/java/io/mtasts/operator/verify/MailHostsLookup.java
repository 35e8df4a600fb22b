package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Looks up the hosts a domain's mail goes to, with the verifier's DNS servers and timeout, and
 * says which of them a policy covers. It is what {@code MxCoverage} checks, usable before a
 * policy is advertised: the same lookup, the same reading of the answer (RFC 5321 section 5.1's
 * implicit MX, RFC 7505's null MX) and the protocol core's matcher ({@link Policy#covers}).
 * Thread-safe; keeps no cache.
 */
public final class MailHostsLookup {

  private final DnsLookup dns;
  private final Duration timeout;

  public MailHostsLookup(VerifierSettings settings) {
    this.dns = new DnsLookup(settings.dnsServers(), settings.timeout());
    this.timeout = settings.timeout();
  }

  /** The answer about one domain. */
  public record MailHosts(String domain, Kind kind, List<String> hosts, String problem) {

    /** What DNS said. */
    public enum Kind {
      /** MX records (or, without any, the domain itself) name the hosts. */
      HOSTS,
      /** Only a null MX (RFC 7505): the domain receives no mail. */
      NULL_MX,
      /** NXDOMAIN: the domain does not exist in the DNS asked. */
      NO_SUCH_DOMAIN,
      /** A timeout, SERVFAIL or broken zone data: nothing is known. */
      FAILED
    }

    public MailHosts {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(kind, "kind");
      hosts = List.copyOf(hosts);
      Objects.requireNonNull(problem, "problem");
    }

    /** The hosts {@code policy} does not cover, in MX preference order. */
    public List<String> uncoveredBy(Policy policy) {
      return hosts.stream().filter(h -> !policy.covers(h)).toList();
    }
  }

  /**
   * Asks for the MX records of {@code domain} and waits at most the configured timeout, so a
   * caller is never held longer than one DNS timeout.
   */
  public MailHosts lookup(String domain) {
    String name = Verifier.normalizeDomain(domain);
    CompletableFuture<DnsAnswer<DnsLookup.MxHost>> pending = dns.mx(name);
    DnsAnswer<DnsLookup.MxHost> answer;
    try {
      answer = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pending.cancel(true);
      return new MailHosts(name, MailHosts.Kind.FAILED, List.of(), "interrupted");
    } catch (ExecutionException | TimeoutException e) {
      pending.cancel(true);
      return new MailHosts(name, MailHosts.Kind.FAILED, List.of(), "no answer within "
          + Durations.describe(timeout) + " from " + dns.servers());
    }
    return read(name, answer);
  }

  static MailHosts read(String name, DnsAnswer<DnsLookup.MxHost> answer) {
    Optional<MxCoverageCheck.MailHosts> found = MxCoverageCheck.mailHosts(name, answer);
    if (found.isPresent()) {
      MxCoverageCheck.MailHosts mail = found.get();
      if (mail.nullMx() && mail.hosts().isEmpty()) {
        return new MailHosts(name, MailHosts.Kind.NULL_MX, List.of(), "");
      }
      return new MailHosts(name, MailHosts.Kind.HOSTS, mail.hosts(), "");
    }
    if (answer.status() == DnsAnswer.Status.NO_SUCH_DOMAIN) {
      return new MailHosts(name, MailHosts.Kind.NO_SUCH_DOMAIN, List.of(),
          answer.describeFailure("MX"));
    }
    return new MailHosts(name, MailHosts.Kind.FAILED, List.of(), answer.describeFailure("MX"));
  }
}
