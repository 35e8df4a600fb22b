package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a policy resource start a reconcile: a new generation (spec change) or a
 * change of the pause annotation, which is metadata and leaves the generation alone. Status
 * writes, ours included, start nothing.
 */
public final class SpecOrPauseChanged implements OnUpdateFilter<MtaStsPolicy> {

  @Override
  public boolean accept(MtaStsPolicy newResource, MtaStsPolicy oldResource) {
    return !Objects.equals(newResource.getMetadata().getGeneration(),
            oldResource.getMetadata().getGeneration())
        || !Objects.equals(pauseValue(newResource), pauseValue(oldResource))
        || (newResource.isMarkedForDeletion() && !oldResource.isMarkedForDeletion())
        // the retire annotation lets a DNSEndpoint kept after external-dns was turned off go
        || !Objects.equals(RetireAnnotation.value(newResource),
            RetireAnnotation.value(oldResource));
  }

  private static String pauseValue(MtaStsPolicy policy) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(MtaStsPolicyReconciler.PAUSED_ANNOTATION);
  }
}
