package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.status.TlsSecretFinding;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Secret a policy names in {@code spec.tls.secretName} and judges its certificate.
 *
 * <p>It is one GET by name per reconcile, deliberately not an informer: an informer needs list
 * and watch on every Secret of the watched namespaces and would keep all of them, every key
 * included, in the operator's memory. An informer cannot be limited to the names resources
 * happen to mention, and the Secrets are the user's, so they carry no label to select them by.
 * {@code get} alone reads only a Secret whose name is asked for. Nothing of the Secret but its
 * name and the certificate's names and dates reaches status or the log.
 */
final class ExistingTlsSecret {

  /** How soon to look again at a Secret that is missing or unusable: nothing watches it. */
  static final Duration RECHECK = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(ExistingTlsSecret.class);

  private ExistingTlsSecret() {}

  static TlsSecretFinding inspect(KubernetesClient client, PolicyPlan plan, Instant now) {
    return inspect(client, plan, plan.namespace(), plan.tlsSecretName(), now);
  }

  /** The Secret {@code namespace/name}: a shared host's, beside its Ingress in another namespace. */
  static TlsSecretFinding inspect(KubernetesClient client, PolicyPlan plan, String namespace,
      String name, Instant now) {
    Secret secret;
    try {
      secret = read(client, namespace, name);
    } catch (KubernetesClientException e) {
      LOG.warn("{}/{}: could not read Secret {}/{}: {}", plan.namespace(),
          plan.primary().getMetadata().getName(), namespace, name, e.getCode());
      return TlsSecretFinding.unreadable(name, e.getCode() <= 0
          ? "the API server did not answer" : "the API server answered " + e.getCode()
              + (e.getStatus() == null || e.getStatus().getReason() == null
                  ? "" : " " + e.getStatus().getReason()));
    }
    if (secret == null) {
      return TlsSecretFinding.missing(name, namespace);
    }
    return TlsSecretFinding.of(secret, plan.policyHost(), now);
  }

  /**
   * One GET, asked once more when it was cut short by an interrupt: a reconcile thread can carry
   * an interrupt left over from work cancelled earlier in the same reconcile (seen under load),
   * and reporting the Secret unreadable for that would flap CertificateReady and Ready.
   */
  private static Secret read(KubernetesClient client, String namespace, String name) {
    try {
      return client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      if (!(e.getCause() instanceof InterruptedIOException)) {
        throw e;
      }
      return client.secrets().inNamespace(namespace).withName(name).get();
    }
  }

  /**
   * When to look at the Secret again: soon while it is not usable, at the latest when its
   * certificate expires.
   */
  static Optional<Duration> lookAgain(TlsSecretFinding finding, Instant now) {
    if (!finding.isReady()) {
      return Optional.of(RECHECK);
    }
    return finding.notAfter().map(t -> Duration.between(now, t).plusSeconds(1));
  }
}
