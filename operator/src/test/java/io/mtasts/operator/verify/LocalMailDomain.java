package io.mtasts.operator.verify;

import io.mtasts.operator.localserver.IssuedCertificate;
import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.localserver.LocalSmtpServer;
import io.mtasts.operator.localserver.ScriptedResponse;
import io.mtasts.operator.policy.PolicyId;
import io.mtasts.operator.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.xbill.DNS.Type;

/**
 * A mail domain whose whole MTA-STS deployment runs on 127.0.0.1: DNS with the TXT, MX and address
 * records, the policy host over HTTPS, and the MX with STARTTLS, all with certificates from one
 * local CA. Out of the box every check passes; tests break one piece at a time.
 */
public final class LocalMailDomain implements AutoCloseable {
  public static final String DOMAIN = "example.com";
  public static final String POLICY_HOST = "mta-sts.example.com";
  public static final String MX_HOST = "mx.example.com";
  public static final String STS_NAME = "_mta-sts.example.com";
  public static final String TLSRPT_NAME = "_smtp._tls.example.com";
  public static final String POLICY_PATH = "/.well-known/mta-sts.txt";
  public static final String POLICY =
      "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 604800\r\n";
  public static final String ID = PolicyId.of(POLICY.getBytes(StandardCharsets.US_ASCII));
  public static final String TLSRPT = "v=TLSRPTv1; rua=mailto:tls-reports@example.com";
  /**
   * Generous, so that a busy machine never turns a passing check into a timeout; the tests of
   * timeouts set {@link #SHORT_TIMEOUT} themselves.
   */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);

  public static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);

  public static final LocalCertificateAuthority CA = LocalCertificateAuthority.create();
  private static final IssuedCertificate POLICY_CERT = CA.issue(POLICY_HOST);
  private static final IssuedCertificate MX_CERT = CA.issue(MX_HOST);

  public final LocalDnsServer dns;
  public final LocalHttpsServer https;
  public final LocalSmtpServer smtp;
  public final Path caFile;

  private LocalMailDomain(Path directory) {
    dns = LocalDnsServer.start();
    https = LocalHttpsServer.start(POLICY_CERT);
    smtp = LocalSmtpServer.start(MX_HOST, MX_CERT);
    caFile = CA.writeCertificatePem(directory.resolve("local-ca.pem"));
    dns.addTxt(STS_NAME, "v=STSv1; id=" + ID)
        .addAddress(POLICY_HOST, "127.0.0.1")
        .addMx(DOMAIN, 10, MX_HOST)
        .addAddress(MX_HOST, "127.0.0.1")
        .addTxt(TLSRPT_NAME, TLSRPT);
    servePolicy(POLICY);
  }

  /** Starts the servers; {@code directory} receives the CA's PEM file. */
  public static LocalMailDomain start(Path directory) {
    return new LocalMailDomain(directory);
  }

  /** Settings that reach this deployment, private addresses allowed, with the MX probe on. */
  public VerifierSettings.Builder settings() {
    return VerifierSettings.builder()
        .dnsServer(dns.hostAndPort())
        .caFile(caFile)
        .allowPrivate(true)
        .timeout(TIMEOUT)
        .probeMx(true)
        .httpsPort(https.port())
        .smtpPort(smtp.port());
  }

  public Verifier verifier() {
    return new Verifier(settings().build());
  }

  /** What the operator would expect of this deployment. */
  public static Expectations everything() {
    return Expectations.builder()
        .id(ID)
        .policyBytes(POLICY.getBytes(StandardCharsets.US_ASCII))
        .policy(PolicyParser.parse(POLICY).get())
        .tlsRptRecord(TLSRPT)
        .build();
  }

  public LocalMailDomain servePolicy(String text) {
    https.respond(POLICY_PATH, ScriptedResponse.ok("text/plain", text));
    return this;
  }

  public LocalMailDomain respond(ScriptedResponse response) {
    https.respond(POLICY_PATH, response);
    return this;
  }

  /** Replaces every TXT record at {@code name} with the given records (one string each). */
  public LocalMailDomain replaceTxt(String name, String... records) {
    dns.remove(name, Type.TXT);
    for (String record : records) {
      dns.addTxt(name, record);
    }
    return this;
  }

  public LocalMailDomain replaceMx(String... hosts) {
    dns.remove(DOMAIN, Type.MX);
    int preference = 10;
    for (String host : hosts) {
      dns.addMx(DOMAIN, preference, host);
      dns.remove(host, Type.A).addAddress(host, "127.0.0.1");
      preference += 10;
    }
    return this;
  }

  @Override
  public void close() {
    smtp.close();
    https.close();
    dns.close();
  }
}
