package io.mtasts.operator.reconciler.status;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.Condition;
import io.mtasts.operator.api.v1alpha1.CertificateStatus;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsRecord;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRollout;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.verify.VerificationReport;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
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
  /** Whether this reconcile allocated a new id and leaves the workflow to the next one. */

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

  /** The pause annotation holds a value that pauses: nothing is changed. */
  public void paused(String annotation, String value) {
    conditions.set(ConditionTypes.PAUSED, true, ConditionReasons.PAUSED_BY_ANNOTATION,
        "the annotation " + annotation + "=\"" + value + "\" is set: nothing is changed;"
            + " remove it or set it to \"false\" to resume");
    notEvaluatedSinceOlderGenerations();
  }

  /**
   * The pause annotation holds a value that is no boolean: nothing is changed, as when paused,
   * and the condition says which values are allowed.
   */
  public void pauseValueInvalid(String annotation, String value, String allowed) {
    conditions.set(ConditionTypes.PAUSED, true, ConditionReasons.INVALID_PAUSE_VALUE,
        "the annotation " + annotation + " has the value \"" + value + "\", which is not a"
            + " boolean: nothing is changed until it is one of " + allowed
            + ", or is removed");
    notEvaluatedSinceOlderGenerations();
  }

  /**
   * Clears a Paused condition left from before; nothing when there is none. {@code value} is the
   * annotation's value when it is still present (with a value that does not pause).
   */
  public void notPaused(String annotation, Optional<String> value) {
    if (conditions.find(ConditionTypes.PAUSED).isPresent()) {
      conditions.set(ConditionTypes.PAUSED, false, ConditionReasons.RESUMED, value
          .map(v -> "the annotation " + annotation + " is \"" + v + "\"; reconciling again")
          .orElse("the annotation " + annotation + " was removed; reconciling again"));
    }
  }

  public void invalidSpec(List<String> problems) {
    String advertised = status.getPolicyId();
    conditions.set(ConditionTypes.READY, false, ConditionReasons.INVALID_SPEC,
        String.join("; ", problems) + ". Nothing was changed; " + (advertised == null
            ? "no policy of this resource has been served yet, and none will be until the"
                + " spec is fixed"
            : "policy " + advertised + ", the last one served, stays in place and advertised"));
    notEvaluatedSinceOlderGenerations();
  }

  /**
   * Marks Unknown every condition (Paused aside) that was last evaluated for an older generation,
   * when the reconcile stops early (paused, invalid spec, conflict) and will not evaluate it: its
   * facts describe a spec that is gone. A reconcile that goes on evaluates every condition, and
   * keeps the last verification of an older generation only until the next one finishes.
   */
  void notEvaluatedSinceOlderGenerations() {
    long current = conditions.generation();
    boolean paused = conditions.isTrue(ConditionTypes.PAUSED);
    String why = paused ? "the policy is paused" : conditions.find(ConditionTypes.READY)
        .filter(r -> Objects.equals(r.getObservedGeneration(), current)
            && StatusConditions.FALSE.equals(r.getStatus()))
        .map(r -> "the reconcile stopped early (Ready: " + r.getReason() + ")")
        .orElse("the reconcile did not reach it");
    for (Condition c : conditions.toList()) {
      Long observed = c.getObservedGeneration();
      if (ConditionTypes.PAUSED.equals(c.getType()) || observed == null || observed >= current) {
        continue;
      }
      String last = "; at generation " + observed + " it was " + c.getStatus() + " ("
          + c.getReason() + ")";
      if (ConditionReasons.NOT_EVALUATED.equals(c.getReason()) && c.getMessage() != null
          && c.getMessage().contains("; at generation ")) {
        // keep the last facts that were evaluated, not the placeholder of a skipped generation
        last = c.getMessage().substring(c.getMessage().indexOf("; at generation "));
      }
      conditions.set(c.getType(), StatusConditions.UNKNOWN, ConditionReasons.NOT_EVALUATED,
          "not evaluated for generation " + current + " because " + why + last);
      if (ConditionTypes.CERTIFICATE_READY.equals(c.getType())) {
        // it named the certificate of the older spec
        status.setCertificate(null);
      }
    }
  }

  public void planned(PolicyPlan plan) {
    status.setPolicyUrl(plan.policyUrl());
  }

  public void conflict(String conflict) {
    conditions.set(ConditionTypes.READY, false, ConditionReasons.CONFLICT, conflict);
    notEvaluatedSinceOlderGenerations();
  }

  /**
   * The plan's exposure cannot be made in this cluster (Gateway API off or not installed):
   * nothing was changed, as with a conflict.
   */
  public void exposureUnavailable(String reason, String message) {
    conditions.set(ConditionTypes.READY, false, reason, message);
    notEvaluatedSinceOlderGenerations();
  }

  /**
   * The API server refused a child: Ready says which and why, with the refusal's reason;
   * everything else, the advertised id included, stays as it was.
   */
  public void childRefused(String reason, String message) {
    conditions.set(ConditionTypes.READY, false, reason, message);
  }

  /**
   * The rollout that keeps the policy from being served stands still: PolicyServed keeps the
   * message {@link #served} gave it and takes {@code reason}, a problem rather than progress.
   */
  public void rolloutTrouble(String reason) {
    conditions.find(ConditionTypes.POLICY_SERVED)
        .filter(c -> StatusConditions.FALSE.equals(c.getStatus()))
        .ifPresent(c -> conditions.set(ConditionTypes.POLICY_SERVED, false, reason,
            c.getMessage()));
  }

  /** An older resource owns the domain; {@code message} names it. */
  public void domainClaimed(String message) {
    conditions.set(ConditionTypes.READY, false, ConditionReasons.DOMAIN_CLAIMED, message);
  }

  /**
   * The shared server in spec.server.ref cannot serve the policy (missing, or it does not admit
   * the namespace): nothing was changed, so what serves and is advertised now stays.
   */
  public void sharedServerRefused(String reason, String message) {
    String advertised = status.getPolicyId();
    conditions.set(ConditionTypes.READY, false, reason, message + ". Nothing was changed; "
        + (advertised == null ? "no policy of this resource is served yet"
            : "policy " + advertised + " stays served and advertised"));
    notEvaluatedSinceOlderGenerations();
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
   * A new id was allocated for the plan's bytes. It is kept in status before the bytes are
   * written anywhere, so every later reconcile, after a restart or on another leader too, rolls
   * them out under this id; the advertised id stays until they are served.
   */
  public void idAllocated(PolicyPlan plan, PolicyRollout allocation) {
    status.setRollout(allocation);
    served(plan, Optional.of(new NotServed(ConditionReasons.ROLLING_OUT, "policy id "
        + allocation.getPolicyId() + " was allocated for the new policy, which the web server"
        + " gets next")));
  }

  /**
   * Where the Ingress's certificate comes from and whether it is there: cert-manager's
   * Certificate (when an issuer is set and cert-manager is installed), a Secret managed outside
   * the operator, or nothing. {@code certificate} is the Certificate object as read, empty when
   * there is none or cert-manager is not installed.
   */
  public void certificate(
      PolicyPlan plan, boolean certManagerInstalled, Optional<Certificate> certificate) {
    certificate(plan, certManagerInstalled, certificate, Optional.empty());
  }

  /**
   * As {@link #certificate(PolicyPlan, boolean, Optional)}, with what was found in the Secret a
   * resource names in {@code spec.tls.secretName}; empty when it was not read.
   */
  public void certificate(PolicyPlan plan, boolean certManagerInstalled,
      Optional<Certificate> certificate, Optional<TlsSecretFinding> existingSecret) {
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
    if (plan.usesExistingSecret()) {
      if (existingSecret.isEmpty()) {
        status.setCertificate(new CertificateStatus(secret, null, null));
        conditions.set(ConditionTypes.CERTIFICATE_READY, StatusConditions.UNKNOWN,
            ConditionReasons.EXISTING_SECRET, "the Ingress uses the existing Secret " + secret
                + ", which has not been read yet");
        return;
      }
      TlsSecretFinding found = existingSecret.get();
      status.setCertificate(new CertificateStatus(secret,
          found.notAfter().map(Instant::toString).orElse(null),
          StatusConditions.UNKNOWN.equals(found.ready()) ? null : found.isReady()));
      conditions.set(ConditionTypes.CERTIFICATE_READY, found.ready(), found.reason(),
          found.message());
      return;
    }
    status.setCertificate(null);
    if (plan.exposure().certificateFromGateway()) {
      conditions.set(ConditionTypes.CERTIFICATE_READY, StatusConditions.UNKNOWN,
          ConditionReasons.CERTIFICATE_FROM_GATEWAY, "a listener of " + plan.exposure()
              + " provides the certificate for " + plan.policyHost() + "; the operator does not"
              + " read it, live verification checks the certificate served");
      return;
    }
    conditions.set(ConditionTypes.CERTIFICATE_READY, false,
        ConditionReasons.NO_CERTIFICATE_SOURCE,
        "nothing provides a certificate for " + plan.policyHost() + "; set spec.tls.issuerRef"
            + " (cert-manager) or spec.tls.secretName (an existing TLS Secret)");
  }

  /** Live verification is off: its checks and conditions go. */
  public void verificationDisabled() {
    status.setChecks(null);
    conditions.remove(ConditionTypes.DNS_RECORDS_VERIFIED).remove(ConditionTypes.VERIFIED)
        .remove(ConditionTypes.MX_COVERED);
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

  /** A certificate the Gateway provides is checked by live verification, which does block. */
  private static boolean gatewayCertificate(Condition c) {
    return ConditionTypes.CERTIFICATE_READY.equals(c.getType())
        && ConditionReasons.CERTIFICATE_FROM_GATEWAY.equals(c.getReason());
  }

  /** The first condition that holds Ready back, if any. */
  Optional<Condition> blockingReady() {
    for (String type : READY_REQUIRES) {
      var condition = conditions.find(type);
      // a verification still pending (Unknown) does not hold Ready back; a failed one does
      boolean blocks = type.equals(ConditionTypes.VERIFIED)
          ? condition.map(c -> StatusConditions.FALSE.equals(c.getStatus())).orElse(false)
          : !conditions.isTrue(type) && !condition.map(StatusAggregator::gatewayCertificate)
              .orElse(false);
      if (blocks) {
        return Optional.of(condition.orElseThrow());
      }
    }
    return Optional.empty();
  }
}
