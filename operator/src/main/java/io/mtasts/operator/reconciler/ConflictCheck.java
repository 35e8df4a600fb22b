package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.PolicyPlan;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Finds an object that stands where a child must go but belongs to someone else. Such an object
 * is never modified; the resource reports a Conflict instead. Children already in the informer
 * caches are ours (label and owner reference), so only missing ones cost a read.
 */
final class ConflictCheck {

  private ConflictCheck() {}

  static Optional<String> find(
      PolicyPlan plan, Context<MtaStsPolicy> context, List<Class<? extends HasMetadata>> kinds) {
    KubernetesClient client = context.getClient();
    return find(plan, kinds, kind -> inCache(context, kind), kind -> client.resources(kind)
        .inNamespace(plan.namespace()).withName(plan.childName()).get());
  }

  /**
   * The same, with the informer caches and the API reads given: {@code cached} says whether a
   * kind's child is in the cache, {@code read} returns the object of that kind standing at the
   * child's name, or null.
   */
  static Optional<String> find(PolicyPlan plan, List<Class<? extends HasMetadata>> kinds,
      Predicate<Class<? extends HasMetadata>> cached,
      Function<Class<? extends HasMetadata>, HasMetadata> read) {
    String uid = plan.primary().getMetadata().getUid();
    for (Class<? extends HasMetadata> kind : kinds) {
      if (cached.test(kind)) {
        continue;
      }
      HasMetadata existing = read.apply(kind);
      if (existing != null && !isOwnedBy(existing, uid)) {
        return Optional.of(HasMetadata.getKind(kind) + " " + plan.namespace() + "/"
            + plan.childName() + " already exists and is not owned by this MtaStsPolicy; it is"
            + " left unchanged. Delete or rename it, or rename this MtaStsPolicy");
      }
    }
    return Optional.empty();
  }

  private static boolean inCache(Context<MtaStsPolicy> context, Class<? extends HasMetadata> kind) {
    try {
      return context.getSecondaryResource(kind).isPresent();
    } catch (RuntimeException e) {
      // the informer of an optional kind starts with its first use
      return false;
    }
  }

  static boolean isOwnedBy(HasMetadata object, String uid) {
    var refs = object.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> uid != null && uid.equals(r.getUid()));
  }
}
