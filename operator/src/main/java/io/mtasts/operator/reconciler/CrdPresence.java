package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.plan.ChildKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether optional APIs (cert-manager, external-dns) are installed. A present CRD is remembered;
 * an absent one is looked up again after a while, so installing it later takes effect without a
 * restart and without a read per reconcile.
 */
public class CrdPresence {

  public static final String CERTIFICATES = ChildKind.CERTIFICATE.crd().orElseThrow();
  public static final String DNS_ENDPOINTS = ChildKind.DNS_ENDPOINT.crd().orElseThrow();

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration recheckAbsent;
  private final Map<String, Instant> absentUntil = new ConcurrentHashMap<>();
  private final Map<String, Boolean> present = new ConcurrentHashMap<>();
  private final Map<String, Object> lookups = new ConcurrentHashMap<>();

  public CrdPresence(KubernetesClient client, Clock clock, Duration recheckAbsent) {
    this.client = client;
    this.clock = clock;
    this.recheckAbsent = recheckAbsent;
  }

  public boolean isInstalled(String crdName) {
    if (present.containsKey(crdName)) {
      return true;
    }
    // one lookup per name at a time: after a start, every reconcile thread asks at once
    synchronized (lookups.computeIfAbsent(crdName, name -> new Object())) {
      if (present.containsKey(crdName)) {
        return true;
      }
      Instant until = absentUntil.get(crdName);
      Instant now = clock.instant();
      if (until != null && now.isBefore(until)) {
        return false;
      }
      boolean found = lookUp(crdName);
      if (found) {
        present.put(crdName, true);
        absentUntil.remove(crdName);
      } else {
        absentUntil.put(crdName, now.plus(recheckAbsent));
      }
      return found;
    }
  }

  protected boolean lookUp(String crdName) {
    try {
      return client.resources(CustomResourceDefinition.class).withName(crdName).get() != null;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
