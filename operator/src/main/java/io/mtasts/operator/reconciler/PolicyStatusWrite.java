package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.reconciler.tlsrpt.TlsRptStatusOwnership;
import java.util.Objects;
import java.util.Optional;

/**
 * The one status write of a reconcile: the status it computed from one copy of the policy,
 * written only while that copy is still the stored one (its resourceVersion goes with the
 * write, and a conflict is never retried with the same status). A reconcile may start from a
 * copy older than the stored policy, for instance when the informer has not yet delivered the
 * previous reconcile's own status write; written anyway, its status would bring back an id
 * advertised before, which no longer names the bytes served.
 */
public final class PolicyStatusWrite {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private PolicyStatusWrite() {}

  /**
   * Whether status is written by server-side apply: when the API server has it, the runtime
   * turns it on for the dependent resources, and the status writes follow that setting (JOSDK's
   * own patches of the primary resource never use it, see OperatorRuntime).
   */
  public static boolean serverSideApply(Context<?> context) {
    return context.getControllerConfiguration().getConfigurationService()
        .ssaBasedCreateUpdateMatchForDependentResources();
  }

  /**
   * Writes {@code status}, computed from {@code read}: by server-side apply as
   * {@code fieldManager}, or, when that is null, as a whole replacement (API servers without
   * server-side apply, such as the mock server of tests and the demo, merge the lists of a merge
   * patch instead of replacing them). Returns the stored policy; throws the API server's refusal
   * (409 when {@code read} is stale).
   */
  public static MtaStsPolicy write(KubernetesClient client, String fieldManager, MtaStsPolicy read,
      MtaStsPolicyStatus status) {
    if (fieldManager != null) {
      MtaStsPolicy applied = new MtaStsPolicy();
      applied.setMetadata(new ObjectMetaBuilder()
          .withName(read.getMetadata().getName())
          .withNamespace(read.getMetadata().getNamespace())
          .withResourceVersion(read.getMetadata().getResourceVersion())
          .build());
      applied.setStatus(TlsRptStatusOwnership.withoutSummary(status));
      return client.resource(applied).subresource("status")
          .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
              .withFieldManager(fieldManager).withForce(true).build());
    }
    MtaStsPolicy replaced = SERIALIZATION.clone(read);
    replaced.setStatus(TlsRptStatusOwnership.keepStored(status, read));
    return client.resource(replaced).updateStatus();
  }

  /**
   * What a refused write means: the policy is gone ({@link PolicyGone}), was deleted while a
   * reconcile of the live policy ran ({@link DeletedMeanwhile}: the retirement takes over), or
   * {@code read} is stale ({@link StaleCopy}); any other failure is returned as it is.
   */
  static RuntimeException refused(RuntimeException failure, MtaStsPolicy read,
      KubernetesClient client) {
    Optional<KubernetesClientException> refusal = PolicyGone.refusal(failure);
    int code = refusal.map(KubernetesClientException::getCode).orElse(0);
    if (code == 404) {
      return new PolicyGone(read, refusal.get());
    }
    if (code != 409) {
      return failure;
    }
    // one read tells the three apart: gone or replaced, being deleted, or changed
    MtaStsPolicy stored;
    try {
      stored = client.resources(MtaStsPolicy.class)
          .inNamespace(read.getMetadata().getNamespace())
          .withName(read.getMetadata().getName()).get();
    } catch (KubernetesClientException e) {
      return failure;
    }
    if (stored == null
        || !Objects.equals(stored.getMetadata().getUid(), read.getMetadata().getUid())) {
      return new PolicyGone(read, refusal.get());
    }
    if (stored.isMarkedForDeletion() && !read.isMarkedForDeletion()) {
      return new DeletedMeanwhile();
    }
    return new StaleCopy(read, stored);
  }

  /** The policy was deleted while a reconcile of the live policy was writing its status. */
  static final class DeletedMeanwhile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeletedMeanwhile() {
      super("deleted meanwhile", null, false, false);
    }
  }
}
