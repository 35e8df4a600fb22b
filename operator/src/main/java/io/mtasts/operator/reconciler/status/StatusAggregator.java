package io.mtasts.operator.reconciler.status;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.CertificateStatus;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsRecord;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.verify.VerificationReport;
import java.util.List;
import java.util.Optional;

/**
 * Turns what one reconcile found (the plan, the state of the children, the latest verification)
 * into status and its conditions. Each part of the reconcile reports here; {@link #ready} then
 * derives the summary from the others, so the rules for status live in one class and the
 * reconciler only decides what happens in which order.
 */
public final class StatusAggregator {

  /** Conditions that hold Ready back when not True, in the order their message is preferred. */
  private static final List<String> READY_REQUIRES = List.of(
      ConditionTypes.POLICY_SERVED, ConditionTypes.CERTIFICATE_READY, ConditionTypes.VERIFIED);

  private final MtaStsPolicyStatus status;
  private final StatusConditions conditions;

  /** Works on {@code status} (a copy the caller owns) and its conditions. */
  public StatusAggregator(MtaStsPolicyStatus status, StatusConditions conditions) {
    this.status = status;
    this.conditions = conditions;
  }

  /** The status as reported so far; read-only for callers. */
  public MtaStsPolicyStatus status() {
    return status;
  }

  public StatusConditions conditions() {
    return conditions;
  }

  public void paused(String annotation) {
    conditions.set(ConditionTypes.PAUSED, true, ConditionReasons.PAUSED_BY_ANNOTATION,
        "the annotation " + annotation + "=\"true\" is set: nothing is changed; remove it to"
            + " resume");
  }

  /** Clears a Paused condition left from before; nothing when there is none. */
  public void notPaused(String annotation) {
    if (conditions.find(ConditionTypes.PAUSED).isPresent()) {
      conditions.set(ConditionTypes.PAUSED, false, ConditionReasons.RESUMED,
          "the annotation " + annotation + " was removed; reconciling again");
    }
  }

  public void invalidSpec(List<String> problems) {
    conditions.set(ConditionTypes.READY, false, ConditionReasons.INVALID_SPEC,
        String.join("; ", problems)
            + ". Nothing was changed; the previously served policy stays in place");
  }

  public void planned(PolicyPlan plan) {
    status.setPolicyUrl(plan.policyUrl());
  }

  public void conflict(String conflict) {
    conditions.set(ConditionTypes.READY, false, ConditionReasons.CONFLICT, conflict);
  }

  public void reconcileError(String cause) {
    conditions.set(ConditionTypes.READY, false, ConditionReasons.RECONCILE_ERROR,
        "applying the children failed and is retried: " + cause);
  }

  /**
   * The web server's state: when {@code waiting} is empty the plan's policy is served and its id
   * is advertised; otherwise the id already advertised stays, and {@code waiting} says why.
   */
  public void served(PolicyPlan plan, Optional<NotServed> waiting) {
    if (waiting.isEmpty()) {
      status.setPolicyId(plan.policyId());
      status.setPolicy(plan.policyText());
      conditions.set(ConditionTypes.POLICY_SERVED, true, ConditionReasons.SERVED, "policy "
          + plan.policyId()
          + " is served by the web server; publish the DNS records in status.dnsRecords");
    } else {
      String previous = status.getPolicyId();
      conditions.set(ConditionTypes.POLICY_SERVED, false, waiting.get().reason(),
          waiting.get().message() + (previous == null ? "; no policy id is advertised yet"
              : "; policy id " + previous + " stays advertised until the new one is served"));
    }
    List<DnsRecord> records = plan.dnsRecords(status.getPolicyId()).stream()
        .map(r -> new DnsRecord(r.name(), "TXT", r.value()))
        .toList();
    // absent rather than empty, as the API server stores it
    status.setDnsRecords(records.isEmpty() ? null : records);
  }

  /**
   * Where the Ingress's certificate comes from and whether it is there: cert-manager's
   * Certificate (when an issuer is set and cert-manager is installed), a Secret managed outside
   * the operator, or nothing. {@code certificate} is the Certificate object as read, empty when
   * there is none or cert-manager is not installed.
   */
  public void certificate(
      PolicyPlan plan, boolean certManagerInstalled, Optional<Certificate> certificate) {
    String secret = plan.tlsSecretName();
    if (plan.issuer().isPresent()) {
      String issuer = plan.issuer().get().effectiveKind().value() + "/"
          + plan.issuer().get().getName();
      if (!certManagerInstalled) {
        status.setCertificate(new CertificateStatus(secret, null, false));
        conditions.set(ConditionTypes.CERTIFICATE_READY, false,
            ConditionReasons.CERT_MANAGER_NOT_INSTALLED,
            "spec.tls.issuerRef names " + issuer + " but cert-manager is not installed; install"
                + " cert-manager, or remove spec.tls.issuerRef and set spec.tls.secretName to an"
                + " existing TLS Secret");
        return;
      }
      var ready = certificate
          .map(Certificate::getStatus)
          .flatMap(s -> Optional.ofNullable(s.getConditions()).orElse(List.of()).stream()
              .filter(c -> "Ready".equals(c.getType()))
              .findFirst());
      String notAfter = certificate.map(Certificate::getStatus)
          .map(s -> s.getNotAfter()).orElse(null);
      boolean isReady = ready.map(c -> "True".equals(c.getStatus())).orElse(false);
      status.setCertificate(new CertificateStatus(secret, notAfter, isReady));
      if (isReady) {
        conditions.set(ConditionTypes.CERTIFICATE_READY, true, ConditionReasons.ISSUED,
            "cert-manager issued the certificate for " + plan.policyHost() + " into Secret "
                + secret + (notAfter == null ? "" : ", valid until " + notAfter));
      } else {
        conditions.set(ConditionTypes.CERTIFICATE_READY, false, ConditionReasons.ISSUING,
            "waiting for cert-manager to issue the certificate for " + plan.policyHost()
                + " from " + issuer + ready.map(c -> ": " + c.getMessage()).orElse("")
                + "; see kubectl describe certificate " + plan.childName());
      }
      return;
    }
    if (plan.primary().getSpec().getTls() != null
        && plan.primary().getSpec().getTls().getSecretName() != null) {
      status.setCertificate(new CertificateStatus(secret, null, null));
      conditions.set(ConditionTypes.CERTIFICATE_READY, true, ConditionReasons.EXISTING_SECRET,
          "the Ingress uses the existing Secret " + secret + ", which is managed outside the"
              + " operator; the live verification checks the certificate it presents");
      return;
    }
    status.setCertificate(null);
    conditions.set(ConditionTypes.CERTIFICATE_READY, false,
        ConditionReasons.NO_CERTIFICATE_SOURCE,
        "nothing provides a certificate for " + plan.policyHost() + "; set spec.tls.issuerRef"
            + " (cert-manager) or spec.tls.secretName (an existing TLS Secret)");
  }

  /** Live verification is off: its checks and conditions go. */
  public void verificationDisabled() {
    status.setChecks(null);
    conditions.remove(ConditionTypes.DNS_RECORDS_VERIFIED).remove(ConditionTypes.VERIFIED);
  }

  /** No verification of what is advertised has finished yet. */
  public void verificationPending() {
    VerificationStatus.pending(conditions);
  }

  public void verified(VerificationReport report) {
    status.setChecks(VerificationStatus.checks(report, status.getChecks()));
    VerificationStatus.conditions(report, conditions);
  }

  /**
   * Ready, derived from the others: False with the reason and message of the first condition
   * that holds it back, True when none does.
   */
  public void ready(PolicyPlan plan) {
    Optional<Condition> blocking = blockingReady();
    if (blocking.isPresent()) {
      conditions.set(ConditionTypes.READY, false, blocking.get().getReason(),
          blocking.get().getMessage());
      return;
    }
    conditions.set(ConditionTypes.READY, true, ConditionReasons.READY, "policy "
        + status.getPolicyId() + " is served at " + plan.policyUrl());
  }

  /** The first condition that holds Ready back, if any. */
  Optional<Condition> blockingReady() {
    for (String type : READY_REQUIRES) {
      var condition = conditions.find(type);
      // a verification still pending (Unknown) does not hold Ready back; a failed one does
      boolean blocks = type.equals(ConditionTypes.VERIFIED)
          ? condition.map(c -> StatusConditions.FALSE.equals(c.getStatus())).orElse(false)
          : !conditions.isTrue(type);
      if (blocks) {
        return Optional.of(condition.orElseThrow());
      }
    }
    return Optional.empty();
  }
}
