package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.CheckResult;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.VerificationCheck;
import io.mtasts.operator.api.v1alpha1.VerificationSpec;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.localserver.ScriptedResponse;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.verify.CheckName;
import io.mtasts.operator.verify.Verifier;
import io.mtasts.operator.verify.VerifierSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live verifier against DNS and HTTPS servers that misbehave for some domains: a policy host
 * that accepts and never answers, one that answers a byte at a time, one whose address refuses
 * connections, and a DNS server that never answers for one domain. Those domains' checks fail
 * (or, for the silent DNS, warn) within the verifier's bounds and never pass, while the other
 * policies keep being verified and a policy created meanwhile is reconciled at once: no
 * reconcile thread waits for a verification.
 */
class VerifierFaultsTest {

  private static final String PATH = "/.well-known/mta-sts.txt";
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final List<String> GOOD = List.of("good0.example", "good1.example");
  private static final String HANGS = "hangs.example";
  private static final String SLOW = "slow.example";
  private static final String REFUSED = "refused.example";
  private static final String DNS_HANGS = "dnshangs.example";
  private static final String LATE = "late.example";

  @TempDir
  Path dir;

  private OperatorHarness cluster;
  private LocalHttpsServer https;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (https != null) {
      https.close();
    }
  }

  private static String name(String domain) {
    return domain.substring(0, domain.indexOf('.'));
  }

  private static MtaStsPolicy everySecond(String domain) {
    MtaStsPolicy p = Policies.basic(name(domain), domain);
    VerificationSpec v = new VerificationSpec();
    v.setInterval("1s");
    p.getSpec().setVerification(v);
    return p;
  }

  private static Optional<VerificationCheck> check(MtaStsPolicy p, CheckName which) {
    if (p.getStatus() == null || p.getStatus().getChecks() == null) {
      return Optional.empty();
    }
    return p.getStatus().getChecks().stream()
        .filter(c -> which.toString().equals(c.getName())).findFirst();
  }

  private static boolean passed(MtaStsPolicy p, CheckName which) {
    return check(p, which).map(c -> c.getResult() == CheckResult.PASS).orElse(false);
  }

  private static boolean failed(MtaStsPolicy p, CheckName which) {
    return check(p, which).map(c -> c.getResult() == CheckResult.FAIL).orElse(false);
  }

  private MtaStsPolicy awaitPolicy(String domain, Predicate<MtaStsPolicy> what) {
    return await().atMost(LIMIT).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.get(name(domain)), p -> p != null && what.test(p));
  }

  /** Creates the policy, rolls it out, and publishes its records and (for good hosts) bytes. */
  private void deploy(String domain) {
    cluster.create(everySecond(domain));
    // the harness's 20 s is short for a build machine running several builds at once
    await().atMost(LIMIT).until(() -> cluster.child(Deployment.class, "mta-sts-" + name(domain)),
        d -> d != null);
    cluster.completeRollout("mta-sts-" + name(domain));
    MtaStsPolicy served = awaitPolicy(domain, p -> p.getStatus() != null
        && p.getStatus().getPolicyId() != null);
    cluster.dns.addTxt("_mta-sts." + domain, "v=STSv1; id=" + served.getStatus().getPolicyId())
        .addAddress("mta-sts." + domain, REFUSED.equals(domain) ? "127.0.0.3" : "127.0.0.1");
    String bytes = served.getStatus().getPolicy();
    ScriptedResponse answer = switch (domain) {
      case HANGS -> ScriptedResponse.noResponse();
      case SLOW -> ScriptedResponse.ok("text/plain", bytes).streamed(1, Duration.ofMillis(700));
      default -> ScriptedResponse.ok("text/plain", bytes);
    };
    https.respond("mta-sts." + domain, PATH, answer);
  }

  private long fetches(String domain) {
    return https.requests().stream()
        .filter(r -> r.host().map(h -> h.startsWith("mta-sts." + domain)).orElse(false))
        .count();
  }

  @Test
  void hangingResettingAndSlowServersDelayNoOtherPolicy() throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();
    https = LocalHttpsServer.start(ca.issue("mta-sts.good0.example", "mta-sts.good1.example",
        "mta-sts." + HANGS, "mta-sts." + SLOW, "mta-sts." + REFUSED, "mta-sts." + DNS_HANGS,
        "mta-sts." + LATE));
    cluster = new OperatorHarness();
    Verifier live = new Verifier(VerifierSettings.builder()
        .dnsServer(cluster.dns.hostAndPort())
        .caFile(ca.writeCertificatePem(dir.resolve("ca.pem")))
        .allowPrivate(true)
        .timeout(Duration.ofSeconds(2))
        .httpsPort(https.port())
        .build());
    // fewer verification threads than misbehaving domains, so that a verification that never
    // ended would starve the others
    cluster.with("MTASTS_VERIFY_CONCURRENCY", "3").liveVerifier(live::verify).start();
    for (String domain : List.of(HANGS, SLOW, REFUSED, DNS_HANGS, GOOD.get(0), GOOD.get(1))) {
      cluster.dns.addMx(domain, 10, "mail." + domain).addAddress("mail." + domain, "127.0.0.1");
    }
    cluster.dns.stall("_mta-sts." + DNS_HANGS).stall("mta-sts." + DNS_HANGS);
    for (String domain : List.of(HANGS, SLOW, REFUSED, DNS_HANGS)) {
      deploy(domain);
    }
    for (String domain : GOOD) {
      deploy(domain);
    }

    for (String domain : GOOD) {
      awaitPolicy(domain, p -> passed(p, CheckName.STS_TXT_RECORD)
          && passed(p, CheckName.POLICY_FETCH) && passed(p, CheckName.POLICY_CONTENT));
    }
    for (String domain : List.of(HANGS, SLOW, REFUSED)) {
      MtaStsPolicy p = awaitPolicy(domain, x -> failed(x, CheckName.POLICY_FETCH));
      assertThat(passed(p, CheckName.POLICY_CONTENT)).as(domain).isFalse();
      assertThat(p.getStatus().condition(ConditionTypes.VERIFIED).orElseThrow().getStatus())
          .as(domain).isEqualTo("False");
    }
    // a DNS server that never answers is no verdict: the checks warn, Verified is Unknown
    MtaStsPolicy silent = awaitPolicy(DNS_HANGS, x -> check(x, CheckName.STS_TXT_RECORD)
        .map(c -> c.getResult() == CheckResult.WARN).orElse(false));
    assertThat(check(silent, CheckName.STS_TXT_RECORD).orElseThrow().getMessage())
        .contains("no answer within 2 s");
    assertThat(passed(silent, CheckName.POLICY_FETCH)).isFalse();
    assertThat(silent.getStatus().condition(ConditionTypes.VERIFIED).orElseThrow().getStatus())
        .isEqualTo("Unknown");

    // the faults go on: a new policy is reconciled at once, and verified in its turn
    cluster.dns.addMx(LATE, 10, "mail." + LATE).addAddress("mail." + LATE, "127.0.0.1");
    long before = System.nanoTime();
    deploy(LATE);
    Duration served = Duration.ofNanos(System.nanoTime() - before);
    assertThat(served).as("children, rollout and id of a new policy").isLessThan(LIMIT);
    awaitPolicy(LATE, p -> passed(p, CheckName.POLICY_FETCH)
        && passed(p, CheckName.POLICY_CONTENT));
    // and the good ones are still verified again and again, not once (status changes only
    // when a result does, so the fetches at their policy host are counted)
    for (String domain : GOOD) {
      long earlier = fetches(domain);
      await().atMost(LIMIT).until(() -> fetches(domain) >= earlier + 2);
    }
  }
}
