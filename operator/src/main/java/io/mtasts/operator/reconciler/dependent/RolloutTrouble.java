package io.mtasts.operator.reconciler.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Why a rollout stands still, in the Deployment controller's words: its ReplicaSet cannot create
 * pods ({@code ReplicaFailure}: a quota, Pod Security admission, an admission policy), or the
 * rollout passed its progress deadline ({@code Progressing=False, ProgressDeadlineExceeded}).
 *
 * <p>Pods are not read: their scheduling and image-pull problems would need the operator to
 * watch every pod it may see, a permission and a cache it does not otherwise need. The message
 * says which pods to look at instead.
 *
 * @param reason {@link ConditionReasons#PODS_NOT_CREATED} or {@link ConditionReasons#ROLLOUT_STUCK}
 * @param message what the Deployment reports, and where to look next
 */
public record RolloutTrouble(String reason, String message) {

  /** The trouble {@code deployment}'s conditions report, if any. */
  public static Optional<RolloutTrouble> of(Deployment deployment) {
    if (deployment == null || deployment.getStatus() == null) {
      return Optional.empty();
    }
    List<DeploymentCondition> conditions =
        Optional.ofNullable(deployment.getStatus().getConditions()).orElse(List.of());
    String name = deployment.getMetadata().getName();
    Optional<DeploymentCondition> replicaFailure = find(conditions, "ReplicaFailure")
        .filter(c -> "True".equals(c.getStatus()));
    if (replicaFailure.isPresent()) {
      return Optional.of(new RolloutTrouble(ConditionReasons.PODS_NOT_CREATED,
          "the web server's pods cannot be created (Deployment " + name + ", ReplicaFailure "
              + orDash(replicaFailure.get().getReason()) + "): "
              + orDash(replicaFailure.get().getMessage())));
    }
    Optional<DeploymentCondition> deadline = find(conditions, "Progressing")
        .filter(c -> "False".equals(c.getStatus())
            && "ProgressDeadlineExceeded".equals(c.getReason()));
    if (deadline.isPresent()) {
      return Optional.of(new RolloutTrouble(ConditionReasons.ROLLOUT_STUCK,
          "the rollout of Deployment " + name + " passed its progress deadline: "
              + orDash(deadline.get().getMessage()) + "; see why its pods do not become ready: "
              + "kubectl get pods -n " + deployment.getMetadata().getNamespace() + " -l "
              + selector(deployment) + " (Pending: unschedulable; ImagePullBackOff: image)"));
    }
    return Optional.empty();
  }

  private static Optional<DeploymentCondition> find(List<DeploymentCondition> all, String type) {
    return all.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static String selector(Deployment deployment) {
    Map<String, String> labels = deployment.getSpec().getSelector() == null ? null
        : deployment.getSpec().getSelector().getMatchLabels();
    if (labels == null || labels.isEmpty()) {
      return "<selector of the Deployment>";
    }
    return labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }

  private static String orDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }
}
