package io.mtasts.operator.bench.scale;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.localserver.ScriptedResponse;
import io.mtasts.operator.policy.PolicyId;
import io.mtasts.operator.policy.PolicyParser;
import io.mtasts.operator.reconciler.VerificationScheduler;
import io.mtasts.operator.verify.CheckOutcome;
import io.mtasts.operator.verify.Expectations;
import io.mtasts.operator.verify.Result;
import io.mtasts.operator.verify.VerificationReport;
import io.mtasts.operator.verify.Verifier;
import io.mtasts.operator.verify.VerifierSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verification throughput: N domains, each with its own records and its own certificate, checked
 * by the real {@link Verifier} through the operator's {@link VerificationScheduler} at the
 * configured concurrency, against one local DNS server and one local HTTPS server (certificates
 * chosen by SNI) on 127.0.0.1. The MX probe is off, as it is by default.
 */
final class VerificationThroughput {

  private static final String POLICY =
      "version: STSv1\r\nmode: enforce\r\nmx: mx.bench.test\r\nmax_age: 604800\r\n";
  private static final String POLICY_PATH = "/.well-known/mta-sts.txt";
  private static final String MX_HOST = "mx.bench.test";

  private final ScaleBenchmark.Settings settings;
  private final Figures figures;
  private final PrintStream log;

  VerificationThroughput(ScaleBenchmark.Settings settings, Figures figures, PrintStream log) {
    this.settings = settings;
    this.figures = figures;
    this.log = log;
  }

  private static String tlsRpt(String domain) {
    return "v=TLSRPTv1; rua=mailto:tls-reports@" + domain;
  }

  void run() throws Exception {
    int n = settings.verifyDomains();
    int concurrency = settings.verifyConcurrency();
    String id = PolicyId.of(POLICY.getBytes(StandardCharsets.US_ASCII));
    Path dir = Files.createTempDirectory("mtasts-bench");
    LocalCertificateAuthority ca = LocalCertificateAuthority.create("mta-sts-operator bench CA");
    Path caFile = ca.writeCertificatePem(dir.resolve("ca.pem"));
    long setup0 = System.nanoTime();
    try (LocalDnsServer dns = LocalDnsServer.start();
        LocalHttpsServer https = LocalHttpsServer.start(ca.issue("bench.test"))) {
      https.respond(POLICY_PATH, ScriptedResponse.ok("text/plain", POLICY));
      dns.addAddress(MX_HOST, "127.0.0.1");
      for (int i = 0; i < n; i++) {
        String domain = PolicyResources.domain(i);
        String host = "mta-sts." + domain;
        https.serveCertificateFor(host, ca.issue(host));
        dns.addTxt("_mta-sts." + domain, "v=STSv1; id=" + id)
            .addAddress(host, "127.0.0.1")
            .addMx(domain, 10, MX_HOST)
            .addTxt("_smtp._tls." + domain, tlsRpt(domain));
      }
      log.printf("verification: %d domains, certificates and records ready in %.1f s%n", n,
          (System.nanoTime() - setup0) / 1e9);
      Verifier verifier = new Verifier(VerifierSettings.builder()
          .dnsServer(dns.hostAndPort())
          .caFile(caFile)
          .allowPrivate(true)
          .httpsPort(https.port())
          .probeMx(false)
          .build());

      int warmup = Math.min(n, Math.max(concurrency, n / 10));
      runOnce(verifier, id, warmup, concurrency);
      Round round = runOnce(verifier, id, n, concurrency);
      double seconds = round.seconds;
      long[] sorted = round.latencies.clone();
      Arrays.sort(sorted);
      double p50 = percentile(sorted, 0.50) / 1e6;
      double p99 = percentile(sorted, 0.99) / 1e6;
      log.printf("verification: %d domains in %.2f s (%.0f/s), p50 %.1f ms, p99 %.1f ms,"
          + " %d failed%n", n, seconds, n / seconds, p50, p99, round.failed.get());
      figures.info("verify_domains", "domains verified (real verifier, local DNS + HTTPS)",
          n, "");
      figures.info("verify_concurrency", "verification concurrency", concurrency, "");
      figures.atMost("verify_all_s", "time to verify all of them", seconds, 30, " s");
      figures.info("verify_per_s", "domains per second", n / seconds, "");
      figures.info("verify_p50_ms", "per-domain latency p50", p50, " ms");
      figures.info("verify_p99_ms", "per-domain latency p99", p99, " ms");
      figures.atMost("verify_failed", "domains whose verification failed",
          round.failed.get(), 0, "");
      if (round.firstFailure.get() != null) {
        figures.note("first failed verification: " + round.firstFailure.get());
      }
      figures.note("verification: " + warmup + " domains verified first to warm the JIT; the"
          + " measured round verifies all " + n + " again");
    }
  }

  private record Round(double seconds, long[] latencies, AtomicLong failed,
      AtomicReference<String> firstFailure) {}

  private Round runOnce(Verifier verifier, String id, int n, int concurrency)
      throws InterruptedException {
    long[] latencies = new long[n];
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(n);
    ConcurrentHashMap<String, Integer> index = new ConcurrentHashMap<>();
    VerificationScheduler scheduler = new VerificationScheduler((domain, expected) -> {
      long t0 = System.nanoTime();
      VerificationReport report = verifier.verify(domain, expected);
      latencies[index.get(domain)] = System.nanoTime() - t0;
      if (!report.checks().stream().allMatch(c -> c.result() == Result.PASS
          || c.result() == Result.SKIPPED)) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, domain + ": " + report.checks().stream()
            .filter(c -> c.result() != Result.PASS && c.result() != Result.SKIPPED)
            .map(CheckOutcome::toString).toList());
      }
      return report;
    }, concurrency, Clock.systemUTC(), rid -> done.countDown());
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String domain = PolicyResources.domain(i);
        index.put(domain, i);
        Expectations expected = Expectations.builder()
            .id(id)
            .policyBytes(POLICY.getBytes(StandardCharsets.US_ASCII))
            .policy(PolicyParser.parse(POLICY).get())
            .tlsRptRecord(tlsRpt(domain))
            .build();
        scheduler.requestIfDue(new ResourceID(PolicyResources.name(i), "bench"),
            Optional.empty(), domain, expected, Duration.ofMinutes(15));
      }
      if (!done.await(settings.phaseTimeout().toSeconds(), TimeUnit.SECONDS)) {
        failed.addAndGet(done.getCount());
        firstFailure.compareAndSet(null, done.getCount() + " verifications did not finish");
      }
      return new Round((System.nanoTime() - t0) / 1e9, latencies, failed, firstFailure);
    } finally {
      scheduler.close();
    }
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
