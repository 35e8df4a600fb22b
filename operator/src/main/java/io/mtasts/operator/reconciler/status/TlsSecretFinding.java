package io.mtasts.operator.reconciler.status;

import io.fabric8.kubernetes.api.model.Secret;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.verify.CertificateFacts;
import io.mtasts.operator.verify.PemCertificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * What was found in the TLS Secret a policy names in {@code spec.tls.secretName}, as
 * CertificateReady reports it. Messages name the Secret and what is wrong, never its contents.
 *
 * @param secretName the Secret's name
 * @param ready True, False or Unknown (when the Secret could not be read)
 * @param reason the condition's reason
 * @param message what was found and what to do
 * @param notAfter the certificate's expiry, when one was read
 */
public record TlsSecretFinding(
    String secretName, String ready, String reason, String message, Optional<Instant> notAfter) {

  public static final String TLS_TYPE = "kubernetes.io/tls";
  public static final String CERTIFICATE_KEY = "tls.crt";
  public static final String KEY_KEY = "tls.key";

  /** There is no Secret of that name. */
  public static TlsSecretFinding missing(String secretName, String namespace) {
    return new TlsSecretFinding(secretName, StatusConditions.FALSE,
        ConditionReasons.SECRET_NOT_FOUND, "spec.tls.secretName names Secret " + secretName
            + ", which does not exist in namespace " + namespace + "; create a TLS Secret with a"
            + " certificate for the policy host, or set spec.tls.issuerRef instead",
        Optional.empty());
  }

  /** Reading the Secret failed (no permission, API error): nothing is known of it. */
  public static TlsSecretFinding unreadable(String secretName, String why) {
    return new TlsSecretFinding(secretName, StatusConditions.UNKNOWN,
        ConditionReasons.SECRET_UNREADABLE, "the Secret " + secretName + " could not be read: "
            + why + "; the operator needs get on secrets in this namespace", Optional.empty());
  }

  /** Judges a Secret that was read, for {@code host} at {@code now}. */
  public static TlsSecretFinding of(Secret secret, String host, Instant now) {
    String name = secret.getMetadata().getName();
    if (!TLS_TYPE.equals(secret.getType())) {
      return invalid(name, "the Secret " + name + " is of type '" + secret.getType()
          + "', not " + TLS_TYPE + "; create it with kubectl create secret tls");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String encoded = data.get(CERTIFICATE_KEY);
    if (encoded == null || encoded.isEmpty()) {
      return invalid(name, "the Secret " + name + " has no " + CERTIFICATE_KEY);
    }
    if (data.get(KEY_KEY) == null || data.get(KEY_KEY).isEmpty()) {
      return invalid(name, "the Secret " + name + " has no " + KEY_KEY);
    }
    CertificateFacts facts;
    try {
      facts = PemCertificate.judge(Base64.getDecoder().decode(encoded), host, now);
    } catch (IllegalArgumentException e) {
      return invalid(name, "the " + CERTIFICATE_KEY + " of Secret " + name + " cannot be read: "
          + e.getMessage());
    }
    Optional<Instant> notAfter = Optional.of(facts.notAfter());
    if (!facts.acceptable()) {
      return new TlsSecretFinding(name, StatusConditions.FALSE,
          ConditionReasons.SECRET_CERTIFICATE_INVALID, "in Secret " + name + ", "
              + facts.describeProblems(), notAfter);
    }
    long daysLeft = Duration.between(now, facts.notAfter()).toDays();
    return new TlsSecretFinding(name, StatusConditions.TRUE, ConditionReasons.EXISTING_SECRET,
        "the Ingress uses the existing Secret " + name + ", whose certificate for " + host
            + " is valid until " + facts.notAfter() + " (" + daysLeft
            + (daysLeft == 1 ? " day" : " days") + " left); it is managed outside the"
            + " operator, so renew it before then", notAfter);
  }

  private static TlsSecretFinding invalid(String name, String message) {
    return new TlsSecretFinding(name, StatusConditions.FALSE, ConditionReasons.SECRET_INVALID,
        message, Optional.empty());
  }

  public boolean isReady() {
    return StatusConditions.TRUE.equals(ready);
  }
}
