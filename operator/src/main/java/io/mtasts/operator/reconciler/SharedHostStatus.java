package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.mtasts.operator.api.v1alpha1.CertificateStatus;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.SharedHost;
import io.mtasts.operator.reconciler.status.StatusAggregator;
import io.mtasts.operator.reconciler.status.TlsSecretFinding;
import io.mtasts.operator.verify.HostLookup;
import java.util.List;
import java.util.Optional;

/**
 * CertificateReady of a policy served by a shared server, read from the objects in the server's
 * namespace: as for a dedicated policy, with the namespace in every name, and the wait for DNS
 * before the Certificate is requested.
 */
final class SharedHostStatus {

  private SharedHostStatus() {}

  static void report(StatusAggregator report, PolicyPlan plan, SharedHost host,
      boolean certManager, Optional<Certificate> certificate,
      Optional<HostLookup.HostAnswer> waiting, Optional<String> publicHost,
      Optional<TlsSecretFinding> existingSecret) {
    if (plan.issuer().isEmpty() || !certManager) {
      // an existing Secret, cert-manager missing, or no source: the dedicated wording fits,
      // with the Secret's namespace added where it is named
      report.certificate(plan, certManager, Optional.empty(), existingSecret);
      if (report.status().getCertificate() != null) {
        report.status().getCertificate().setSecretName(secretRef(host));
      }
      return;
    }
    String issuer = plan.issuer().get().effectiveKind().value() + "/"
        + plan.issuer().get().getName();
    if (waiting.isPresent()) {
      report.status().setCertificate(new CertificateStatus(secretRef(host), null, false));
      report.conditions().set(ConditionTypes.CERTIFICATE_READY, false,
          ConditionReasons.WAITING_FOR_DNS, waitingMessage(plan, waiting.get(), publicHost));
      return;
    }
    var ready = certificate
        .map(Certificate::getStatus)
        .flatMap(s -> Optional.ofNullable(s.getConditions()).orElse(List.of()).stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst());
    String notAfter = certificate.map(Certificate::getStatus).map(s -> s.getNotAfter())
        .orElse(null);
    boolean isReady = ready.map(c -> "True".equals(c.getStatus())).orElse(false);
    report.status().setCertificate(new CertificateStatus(secretRef(host), notAfter, isReady));
    if (isReady) {
      report.conditions().set(ConditionTypes.CERTIFICATE_READY, true, ConditionReasons.ISSUED,
          "cert-manager issued the certificate for " + plan.policyHost() + " into Secret "
              + secretRef(host) + (notAfter == null ? "" : ", valid until " + notAfter));
    } else {
      report.conditions().set(ConditionTypes.CERTIFICATE_READY, false, ConditionReasons.ISSUING,
          "waiting for cert-manager to issue the certificate for " + plan.policyHost()
              + " from " + issuer + ready.map(c -> ": " + c.getMessage()).orElse("")
              + "; see kubectl -n " + host.serverNamespace() + " describe certificate "
              + host.name());
    }
  }

  /**
   * Which name must resolve, and to what: the address or name the ingress controller published
   * for the Ingress when it did, else what to publish in general.
   */
  static String waitingMessage(PolicyPlan plan, HostLookup.HostAnswer answer,
      Optional<String> publicHost) {
    String found = answer.kind() == HostLookup.HostAnswer.Kind.FAILED
        ? "the lookup failed (" + answer.problem() + ")"
        : "it does not resolve yet (" + answer.problem() + ")";
    String publish = publicHost
        .map(target -> target.matches("[0-9.]+") ? "an A record " + plan.policyHost() + " -> "
            + target : target.contains(":") ? "an AAAA record " + plan.policyHost() + " -> "
            + target : "a CNAME record " + plan.policyHost() + " -> " + target)
        .orElse("a CNAME record for " + plan.policyHost() + " pointing at the host name of the"
            + " shared server's ingress (or A/AAAA records with its addresses); the ingress"
            + " controller has not published an address for the Ingress yet");
    return "the certificate for " + plan.policyHost() + " is requested once that name resolves;"
        + " " + found + ". Publish " + publish + "; DNS is asked again every "
        + SharedHostExposure.DNS_RECHECK.toMinutes() + " minute(s)";
  }

  private static String secretRef(SharedHost host) {
    return host.serverNamespace() + "/" + host.secretName();
  }
}
