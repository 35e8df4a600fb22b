package io.mtasts.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * whose finalizer {@value #FINALIZER} goes on with it in one write; a policy that never
 * protected mail carries neither and is deleted at once.
 */
public final class RetirementLabel {

  public static final String KEY = "mtasts.io/retirement";
  public static final String VALUE = "on-delete";
  /** The finalizer that holds a deleted policy until its retirement is complete. */
  public static final String FINALIZER = "mtasts.io/retirement";

  private static final Logger LOG = LoggerFactory.getLogger(RetirementLabel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private RetirementLabel() {}

  static boolean present(MtaStsPolicy policy) {
    Map<String, String> labels = policy.getMetadata().getLabels();
    return labels != null && VALUE.equals(labels.get(KEY));
  }

  /** A key as a JSON pointer segment (RFC 6901). */
  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /**
   * Sets the label and, in the same write, the finalizer that {@link PolicyRetirementReconciler}
   * would otherwise add in a write of its own. {@code latest} is the copy the reconcile ended
   * with (the one its status write returned); the patch tests its resourceVersion, so
   * finalizers another client added since are never dropped: on a conflict nothing is written
   * and the next reconcile that finds the label missing tries again.
   */
  static void set(MtaStsPolicy latest, KubernetesClient client) {
    var meta = latest.getMetadata();
    // a JSON patch: a merge patch would replace the list of finalizers (and the test API server
    // would append to it); the test makes it apply to exactly the copy read
    ArrayNode patch = JSON.createArrayNode();
    patch.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
        .put("value", meta.getResourceVersion());
    // an empty map in the model may be no map at all in the stored object
    if (meta.getLabels() == null || meta.getLabels().isEmpty()) {
      patch.addObject().put("op", "add").put("path", "/metadata/labels")
          .putObject("value").put(KEY, VALUE);
    } else {
      patch.addObject().put("op", "add").put("path", "/metadata/labels/" + pointer(KEY))
          .put("value", VALUE);
    }
    if (meta.getFinalizers() == null || meta.getFinalizers().isEmpty()) {
      patch.addObject().put("op", "add").put("path", "/metadata/finalizers")
          .putArray("value").add(FINALIZER);
    } else if (!meta.getFinalizers().contains(FINALIZER)) {
      patch.addObject().put("op", "add").put("path", "/metadata/finalizers/-")
          .put("value", FINALIZER);
    }
    try {
      client.resources(MtaStsPolicy.class).inNamespace(meta.getNamespace())
          .withName(meta.getName())
          .patch(PatchContext.of(PatchType.JSON), patch.toString());
      LOG.info("{}/{}: an enforce or testing id is advertised; deleting the policy will retire"
          + " it", meta.getNamespace(), meta.getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 422) {
        LOG.info("{}/{}: not labelled for retirement yet (changed meanwhile: {}); a later"
            + " reconcile tries again", meta.getNamespace(), meta.getName(), e.getMessage());
        return;
      }
      LOG.warn("{}/{}: could not label the policy for retirement: {}", meta.getNamespace(),
          meta.getName(), e.getMessage());
    }
  }
}
