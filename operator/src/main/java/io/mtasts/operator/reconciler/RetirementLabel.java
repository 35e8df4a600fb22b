package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks a policy that has advertised an enforce or testing id, and so must be retired rather
 * than deleted at once. The label selects the policy for {@link PolicyRetirementReconciler},
 * which puts the finalizer {@value #FINALIZER} on it; a policy that never protected mail carries
 * neither and is deleted at once.
 */
public final class RetirementLabel {

  public static final String KEY = "mtasts.io/retirement";
  public static final String VALUE = "on-delete";
  /** The finalizer that holds a deleted policy until its retirement is complete. */
  public static final String FINALIZER = "mtasts.io/retirement";

  private static final Logger LOG = LoggerFactory.getLogger(RetirementLabel.class);

  private RetirementLabel() {}

  static boolean present(MtaStsPolicy policy) {
    Map<String, String> labels = policy.getMetadata().getLabels();
    return labels != null && VALUE.equals(labels.get(KEY));
  }

  /** Sets the label; a failure is retried by the next reconcile that finds it missing. */
  static void set(MtaStsPolicy policy, KubernetesClient client) {
    var meta = policy.getMetadata();
    try {
      client.resources(MtaStsPolicy.class).inNamespace(meta.getNamespace())
          .withName(meta.getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"labels\":{\"" + KEY + "\":\"" + VALUE + "\"}}}");
      LOG.info("{}/{}: an enforce or testing id is advertised; deleting the policy will retire"
          + " it", meta.getNamespace(), meta.getName());
    } catch (KubernetesClientException e) {
      LOG.warn("{}/{}: could not label the policy for retirement: {}", meta.getNamespace(),
          meta.getName(), e.getMessage());
    }
  }
}
