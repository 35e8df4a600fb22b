package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.testing.Policies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Objects standing where a child must go: ours are fine, anyone else's is a Conflict. */
class ConflictCheckTest {

  private static final String UID = "0b7c1b1e-5b0e-4c4e-9a57-1f1f5a3c2d10";
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(ConfigMap.class, Service.class, Deployment.class);

  private final PolicyPlan plan = plan();
  private final List<Class<? extends HasMetadata>> read = new ArrayList<>();

  private static PolicyPlan plan() {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getMetadata().setNamespace("mail");
    policy.getMetadata().setUid(UID);
    return PolicyPlan.of(policy, PlanSettings.defaults());
  }

  private java.util.Optional<String> find(Map<Class<?>, HasMetadata> existing,
      List<Class<? extends HasMetadata>> cached) {
    return ConflictCheck.find(plan, KINDS, cached::contains, kind -> {
      read.add(kind);
      return existing.get(kind);
    });
  }

  private Service foreignService() {
    return new ServiceBuilder().withNewMetadata().withName(plan.childName())
        .withNamespace("mail").endMetadata().build();
  }

  @Test
  void nothingInTheWayIsNoConflict() {
    assertThat(find(Map.of(), List.of())).isEmpty();
    assertThat(read).containsExactlyElementsOf(KINDS);
  }

  @Test
  void anObjectOwnedBySomeoneElseIsAConflictNamingItAndWhatToDo() {
    assertThat(find(Map.of(Service.class, foreignService()), List.of())).contains(
        "Service mail/mta-sts-example already exists and is not owned by this MtaStsPolicy;"
            + " it is left unchanged. Delete or rename it, or rename this MtaStsPolicy");
  }

  @Test
  void anObjectOwnedByThisPolicyIsNoConflict() {
    ConfigMap ours = new ConfigMapBuilder().withNewMetadata().withName(plan.childName())
        .addNewOwnerReference().withUid(UID).withKind("MtaStsPolicy").withName("example")
        .endOwnerReference().endMetadata().build();
    assertThat(find(Map.of(ConfigMap.class, ours), List.of())).isEmpty();
  }

  @Test
  void anOwnerReferenceToAnotherPolicyIsStillAConflict() {
    Service other = foreignService();
    other.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model
        .OwnerReferenceBuilder().withUid("another-uid").withKind("MtaStsPolicy").build()));
    assertThat(find(Map.of(Service.class, other), List.of())).isPresent();
  }

  @Test
  void childrenInTheInformerCachesCostNoRead() {
    assertThat(find(Map.of(Service.class, foreignService()), List.of(Service.class))).isEmpty();
    assertThat(read).containsExactly(ConfigMap.class, Deployment.class);
  }
}
