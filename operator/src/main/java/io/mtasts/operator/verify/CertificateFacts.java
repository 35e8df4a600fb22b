package io.mtasts.operator.verify;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the certificate a server presented says and what is wrong with it, as judged during the
 * TLS handshake.
 *
 * @param host the name the certificate had to be valid for
 * @param subject the leaf's subject
 * @param issuer the leaf's issuer
 * @param dnsNames the leaf's subjectAltName DNS names
 * @param notBefore start of the leaf's validity
 * @param notAfter end of the leaf's validity
 * @param problems each reason the certificate is not acceptable; empty when it is
 */
public record CertificateFacts(
    String host,
    String subject,
    String issuer,
    List<String> dnsNames,
    Instant notBefore,
    Instant notAfter,
    List<String> problems) {

  public CertificateFacts {
    Objects.requireNonNull(host, "host");
    dnsNames = List.copyOf(dnsNames);
    problems = List.copyOf(problems);
  }

  public boolean acceptable() {
    return problems.isEmpty();
  }

  /** All problems in one sentence, naming the certificate. */
  public String describeProblems() {
    return "the certificate of " + host + " " + String.join("; it also ", problems);
  }
}
