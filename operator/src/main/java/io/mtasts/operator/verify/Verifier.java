package io.mtasts.operator.verify;

import io.mtasts.operator.policy.MxPattern;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.policy.StsRecord;
import io.mtasts.operator.policy.TlsRptRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live verification of a domain's MTA-STS deployment (RFC 8461) and TLS-RPT record (RFC 8460), as
 * a sending server would see it: the checks of {@link CheckName}, each with a verdict and a message
 * that says what to fix.
 *
 * <p>Build one per configuration and share it: {@link #verify} is thread-safe and keeps no state
 * between calls (no DNS cache, no pooled connections), so every call sees the domain as it is
 * now. Each network step is bounded by {@link VerifierSettings#timeout()}, and the number of steps
 * is bounded too (the DNS lookups run together, at most {@value MxStartTlsCheck#MAX_PROBED_HOSTS}
 * MX hosts are probed, in parallel), so a call ends within about seven timeouts even when every
 * server stalls; a healthy domain takes a fraction of one.
 */
public final class Verifier {

  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  private final VerifierSettings settings;
  private final DnsLookup dns;
  private final PolicyFetcher fetcher;
  private final StartTlsProbe probe;
  private final Clock clock;

  /**
   * A verifier for these settings.
   *
   * @throws IllegalArgumentException when the CA file cannot be used or a DNS server name cannot
   *     be resolved; the message says which and why
   */
  public Verifier(VerifierSettings settings) {
    this(settings, Clock.systemUTC());
  }

  Verifier(VerifierSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    TrustMaterial trust = TrustMaterial.load(settings.caFile());
    this.dns = new DnsLookup(settings.dnsServers(), settings.timeout());
    TargetResolver targets =
        new TargetResolver(dns, settings.resolveOverrides(), settings.allowPrivate());
    this.fetcher = new PolicyFetcher(targets, trust, settings.timeout(), settings.httpsPort(),
        clock);
    this.probe = new StartTlsProbe(targets, trust, settings.timeout(), settings.smtpPort(), clock);
  }

  public VerifierSettings settings() {
    return settings;
  }

  /**
   * Checks that {@code domain} is a mail domain name this verifier can check, and returns it in
   * the form the checks use (lower case, no trailing dot).
   *
   * @throws IllegalArgumentException with a message that says what is wrong
   */
  public static String normalizeDomain(String domain) {
    Objects.requireNonNull(domain, "domain");
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    ParseResult<MxPattern> asName = MxPattern.parse(d);
    if (!asName.isValid() || asName.get().isWildcard() || !d.contains(".")) {
      String why = asName.isValid() ? "" : ": " + asName.errors().get(0).message()
          .replace("mx pattern", "name");
      throw new IllegalArgumentException("'" + domain + "' is not a mail domain such as"
          + " example.com" + why);
    }
    return d.toLowerCase(Locale.ROOT);
  }

  /** Verifies the domain with nothing to compare against. */
  public VerificationReport verify(String domain) {
    return verify(domain, Expectations.none());
  }

  /**
   * Runs every check against {@code domain}.
   *
   * @throws IllegalArgumentException when {@code domain} is not a domain name
   */
  public VerificationReport verify(String domain, Expectations expected) {
    // the steps bound themselves; this outer limit only matters if one of them does not
    return verify(domain, expected, settings.timeout().multipliedBy(7));
  }

  /**
   * Runs every check against {@code domain} and returns within about {@code overall} (plus a
   * fraction of a second), even when servers never answer: a step still running at the limit is
   * reported as not finished, never as passed.
   *
   * @throws IllegalArgumentException when {@code domain} is not a domain name
   */
  public VerificationReport verify(String domain, Expectations expected, Duration overall) {
    String name = normalizeDomain(domain);
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(overall, "overall");
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    Deadline deadline = new Deadline(startNanos + overall.toNanos(), overall);

    // the three lookups are independent; ask them at once
    CompletableFuture<DnsAnswer<List<String>>> stsLookup = dns.txt(StsRecord.dnsName(name));
    CompletableFuture<DnsAnswer<List<String>>> tlsRptLookup =
        dns.txt(TlsRptRecord.dnsName(name));
    CompletableFuture<DnsAnswer<DnsLookup.MxHost>> mxLookup = dns.mx(name);

    StsRecordCheck.Finding sts = StsRecordCheck.judge(
        deadline.await(stsLookup, StsRecord.dnsName(name)), expected.id());
    FetchedPolicy fetched = deadline.within(
        CompletableFuture.supplyAsync(() -> fetcher.fetch(name), WORKERS),
        () -> new FetchedPolicy(CheckOutcome.warn(CheckName.POLICY_FETCH, "the policy download"
            + " from " + PolicyFetcher.policyHost(name) + " did not finish within the time limit of "
            + Durations.describe(overall) + "; this says nothing about the policy, try again"),
            Optional.empty(), Optional.empty()));
    PolicyChecks.Syntax syntax = PolicyChecks.syntax(fetched);
    Optional<JudgedPolicy> judged = expected.policy().map(JudgedPolicy::desired)
        .or(() -> syntax.policy().map(JudgedPolicy::served));
    DnsAnswer<DnsLookup.MxHost> mx = deadline.await(mxLookup, name);
    TlsRptRecordCheck.Finding tlsRpt = TlsRptRecordCheck.judge(name,
        deadline.await(tlsRptLookup, TlsRptRecord.dnsName(name)), expected.tlsRptRecord(),
        PolicyChecks.modeOf(judged));

    List<CheckOutcome> checks = new ArrayList<>();
    checks.add(sts.outcome());
    checks.add(fetched.outcome());
    checks.add(syntax.outcome());
    checks.add(PolicyChecks.content(fetched, expected.policyBytes()));
    checks.add(PolicyChecks.mode(judged));
    checks.add(CertificateCheck.judge(fetched.certificate(), clock.instant()));
    checks.add(MxCoverageCheck.judge(name, mx, judged));
    checks.add(tlsRpt.outcome());
    checks.add(deadline.within(
        CompletableFuture.supplyAsync(() -> startTls(name, mx, judged,
            expected.probeMx().orElse(settings.probeMx())), WORKERS),
        () -> CheckOutcome.warn(CheckName.MX_STARTTLS, "the STARTTLS probe of the MX hosts did"
            + " not finish within the time limit of " + Durations.describe(overall)
            + "; try again")));

    Optional<MxCoverageCheck.MailHosts> hosts = MxCoverageCheck.mailHosts(name, mx);
    VerificationReport report = new VerificationReport(name, checks, sts.id(), tlsRpt.text(),
        mx.isFound() ? hosts.map(MxCoverageCheck.MailHosts::hosts).orElse(List.of()) : List.of(),
        fetched.certificate().map(CertificateFacts::notAfter), started,
        Duration.ofNanos(System.nanoTime() - startNanos));
    LOG.debug("verified {} in {}: {}", name, report.elapsed(), checks);
    return report;
  }

  private CheckOutcome startTls(
      String domain, DnsAnswer<DnsLookup.MxHost> mx, Optional<JudgedPolicy> judged,
      boolean probeMx) {
    if (!probeMx) {
      return MxStartTlsCheck.disabled();
    }
    Optional<MxCoverageCheck.MailHosts> found = MxCoverageCheck.mailHosts(domain, mx);
    if (found.isEmpty()) {
      return MxStartTlsCheck.nothingToProbe("no MX host to probe: "
          + mx.describeFailure("MX"));
    }
    List<String> hosts = found.get().hosts();
    if (hosts.isEmpty()) {
      return MxStartTlsCheck.nothingToProbe(domain + " publishes a null MX; there is no MX"
          + " host to probe");
    }
    List<String> probed = hosts.subList(0, Math.min(hosts.size(), MxStartTlsCheck.MAX_PROBED_HOSTS));
    ExecutorService pool = Executors.newFixedThreadPool(probed.size(), probeThreads());
    try {
      List<CompletableFuture<StartTlsProbe.HostResult>> running = probed.stream()
          .map(host -> CompletableFuture.supplyAsync(() -> probe.probe(host), pool))
          .toList();
      List<StartTlsProbe.HostResult> results =
          running.stream().map(CompletableFuture::join).toList();
      return MxStartTlsCheck.judge(results, hosts.size() - probed.size(),
          PolicyChecks.modeOf(judged), settings.smtpPort());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Daemon threads, so that a step abandoned at the deadline never keeps a JVM alive. */
  private static final ExecutorService WORKERS = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "verify-step");
    thread.setDaemon(true);
    return thread;
  });

  /** The end of one verification, shared by its steps. */
  private record Deadline(long endNanos, Duration overall) {
    /** A step that ends this close after the limit has its own verdict; let it give it. */
    private static final long GRACE_NANOS = Duration.ofMillis(300).toNanos();

    <T> T within(CompletableFuture<T> step, java.util.function.Supplier<T> unfinished) {
      long left = endNanos + GRACE_NANOS - System.nanoTime();
      try {
        return step.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return unfinished.get();
      } catch (TimeoutException e) {
        return unfinished.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("a verification step failed unexpectedly", e.getCause());
      }
    }

    <T> DnsAnswer<T> await(CompletableFuture<DnsAnswer<T>> lookup, String name) {
      // a lookup that ends in an exception is a temporary failure, as DnsLookup.await reports it
      CompletableFuture<DnsAnswer<T>> settled = lookup.exceptionally(e -> DnsAnswer.failed(name,
          DnsAnswer.Status.TEMPORARY_FAILURE, String.valueOf(e.getMessage())));
      return within(settled, () -> DnsAnswer.failed(name, DnsAnswer.Status.TEMPORARY_FAILURE,
          "no answer within the time limit of " + Durations.describe(overall)));
    }
  }

  private static ThreadFactory probeThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "mx-probe-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
