package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayExposureSpec;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import io.mtasts.operator.api.v1alpha1.IssuerKind;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildKind;
import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.testing.Policies;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's workflow (an annotation, fixed at compile time) and {@link ChildKind}, from
 * which render and the conflict check take the children, name the same kinds: a child added to
 * one and not the other would be created without a conflict check, or rendered but never made.
 */
class ChildrenDeclarationTest {

  @Test
  void theWorkflowManagesExactlyTheDeclaredKinds() throws Exception {
    Workflow workflow = MtaStsPolicyReconciler.class.getAnnotation(Workflow.class);
    Set<Class<?>> managed = new java.util.HashSet<>();
    for (Dependent dependent : workflow.dependents()) {
      DependentResource<?, ?> resource =
          (DependentResource<?, ?>) dependent.type().getDeclaredConstructor().newInstance();
      managed.add(resource.resourceType());
    }
    Set<Class<?>> declared = Arrays.stream(ChildKind.values()).map(ChildKind::type)
        .collect(Collectors.toSet());
    assertThat(managed).isEqualTo(declared);
    assertThat(workflow.dependents()).hasSameSizeAs(ChildKind.values());
  }

  @Test
  void everyKindIsRenderedBySomePlanAndEachPlanRendersInDeclaredOrder() {
    List<Class<?>> declared = Arrays.stream(ChildKind.values())
        .<Class<?>>map(ChildKind::type).toList();
    Set<Class<?>> seen = new java.util.HashSet<>();
    for (MtaStsPolicy policy : List.of(askingForEverything(null),
        askingForEverything(GatewayListener.LISTENER_SET),
        askingForEverything(GatewayListener.HOST_LISTENER))) {
      PolicyPlan plan = PolicyPlan.of(policy, PlanSettings.defaults());
      List<Class<?>> rendered = DesiredChildren.of(plan).stream()
          .<Class<?>>map(HasMetadata::getClass).toList();
      assertThat(rendered).isEqualTo(declared.stream().filter(rendered::contains).toList());
      seen.addAll(rendered);
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(declared);
  }

  /** Certificate and DNSEndpoint, and a Gateway in another namespace when a listener is given. */
  private static MtaStsPolicy askingForEverything(GatewayListener listener) {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getMetadata().setNamespace("mail");
    policy.getSpec().getTls().setSecretName(null);
    policy.getSpec().getTls().setIssuerRef(
        new IssuerRef("letsencrypt", IssuerKind.CLUSTER_ISSUER, "cert-manager.io"));
    policy.getSpec().setDns(new io.mtasts.operator.api.v1alpha1.DnsSpec(true));
    if (listener != null) {
      policy.getSpec().setExposure(new ExposureSpec(ExposureType.GATEWAY,
          new GatewayExposureSpec("public", "gateway-system", listener)));
    }
    return policy;
  }

  @Test
  void theOptionalKindsAreLeftOutWhenThePlanDoesNotAskForThem() {
    PolicyPlan plan = PolicyPlan.of(Policies.basic("example", "example.com"),
        PlanSettings.defaults());
    assertThat(Arrays.stream(ChildKind.values()).filter(k -> !k.isWantedBy(plan)))
        .containsExactly(ChildKind.HTTP_ROUTE, ChildKind.LISTENER_SET, ChildKind.REFERENCE_GRANT,
            ChildKind.CERTIFICATE, ChildKind.DNS_ENDPOINT);
    assertThat(DesiredChildren.of(plan)).hasSize(4);
    assertThat(ChildKind.CERTIFICATE.crd()).contains(CrdPresence.CERTIFICATES);
    assertThat(ChildKind.CONFIG_MAP.crd()).isEmpty();
  }
}
