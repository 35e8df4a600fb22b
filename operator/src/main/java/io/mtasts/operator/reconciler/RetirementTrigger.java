package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Objects;

/**
 * Which updates of a labelled policy wake {@link PolicyRetirementReconciler}: the deletion
 * starting, and the retire or pause annotation changing while it runs. Its own status writes
 * wake nothing; it reschedules itself while it holds.
 */
public final class RetirementTrigger implements OnUpdateFilter<MtaStsPolicy> {

  @Override
  public boolean accept(MtaStsPolicy newResource, MtaStsPolicy oldResource) {
    return newResource.isMarkedForDeletion() != oldResource.isMarkedForDeletion()
        || !Objects.equals(RetireAnnotation.value(newResource),
            RetireAnnotation.value(oldResource))
        || !Objects.equals(PauseAnnotation.of(newResource), PauseAnnotation.of(oldResource))
        || !Objects.equals(newResource.getMetadata().getFinalizers(),
            oldResource.getMetadata().getFinalizers());
  }
}
