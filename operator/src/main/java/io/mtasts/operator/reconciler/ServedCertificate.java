package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateCondition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.status.NotServed;
import java.util.List;
import java.util.Optional;

/**
 * The certificate part of "served": when the operator manages the policy host's certificate
 * through cert-manager, a sender can fetch the policy over HTTPS only once that Certificate is
 * Ready, so the new id (and the DNSEndpoint carrying it) waits for it.
 */
public final class ServedCertificate {

  private ServedCertificate() {}

  /**
   * Why the id must wait for the certificate, if it must. {@code managed}: an issuer is set and
   * cert-manager is installed; {@code certificate}: the Certificate as read, empty when there is
   * none yet.
   */
  public static Optional<NotServed> waiting(
      PolicyPlan plan, boolean managed, Optional<Certificate> certificate) {
    if (!managed) {
      return Optional.empty();
    }
    String name = plan.childName();
    if (certificate.isEmpty()) {
      return Optional.of(new NotServed(ConditionReasons.CERTIFICATE_NOT_READY, "the Certificate "
          + name + " for " + plan.policyHost() + " does not exist yet; the new id waits until"
          + " cert-manager has issued it"));
    }
    Optional<CertificateCondition> ready = Optional.ofNullable(certificate.get().getStatus())
        .map(s -> Optional.ofNullable(s.getConditions()).orElse(List.of()))
        .orElse(List.of()).stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst();
    Long generation = certificate.get().getMetadata() == null ? null
        : certificate.get().getMetadata().getGeneration();
    Long observed = ready.map(CertificateCondition::getObservedGeneration).orElse(null);
    if (generation != null && observed != null && observed < generation) {
      // Ready still speaks of the Certificate before its last change (a new domain, say)
      return Optional.of(new NotServed(ConditionReasons.CERTIFICATE_NOT_READY, "cert-manager"
          + " has not yet looked at the latest change of the Certificate " + name + " for "
          + plan.policyHost() + "; the new id waits until it is Ready"));
    }
    if (ready.map(c -> "True".equals(c.getStatus())).orElse(false)) {
      return Optional.empty();
    }
    String says = ready.map(c -> c.getMessage() == null ? " (Ready=" + c.getStatus() + ")"
        : " (Ready=" + c.getStatus() + ": " + c.getMessage() + ")").orElse(" (no Ready condition yet)");
    return Optional.of(new NotServed(ConditionReasons.CERTIFICATE_NOT_READY, "the Certificate "
        + name + " for " + plan.policyHost() + " is not Ready" + says + "; senders could not"
        + " fetch the policy over HTTPS, so the new id waits; see kubectl describe certificate "
        + name));
  }
}
