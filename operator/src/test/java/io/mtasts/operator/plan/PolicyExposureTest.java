package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.ExposureSpec;
import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayExposureSpec;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which children each exposure asks for, and the problems of a bad spec.exposure. */
class PolicyExposureTest {

  private static MtaStsPolicy policy(ExposureSpec exposure) {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getMetadata().setNamespace("mail");
    policy.getSpec().setExposure(exposure);
    return policy;
  }

  private static ExposureSpec gateway(String namespace, GatewayListener listener) {
    return new ExposureSpec(ExposureType.GATEWAY,
        new GatewayExposureSpec("public", namespace, listener));
  }

  private static List<ChildKind> exposureKinds(MtaStsPolicy policy, PlanSettings settings) {
    PolicyPlan plan = PolicyPlan.of(policy, settings);
    return Arrays.stream(ChildKind.values())
        .filter(k -> k == ChildKind.INGRESS || k.isGatewayApi())
        .filter(k -> k.isWantedBy(plan))
        .toList();
  }

  @Test
  void eachListenerChoiceAsksForItsOwnChildren() {
    PlanSettings defaults = PlanSettings.defaults();
    assertThat(exposureKinds(policy(null), defaults)).containsExactly(ChildKind.INGRESS);
    assertThat(exposureKinds(policy(new ExposureSpec(ExposureType.INGRESS, null)), defaults))
        .containsExactly(ChildKind.INGRESS);
    assertThat(exposureKinds(policy(gateway("gateway-system", GatewayListener.LISTENER_SET)),
        defaults)).containsExactly(ChildKind.HTTP_ROUTE, ChildKind.LISTENER_SET);
    assertThat(exposureKinds(policy(gateway("gateway-system", GatewayListener.HOST_LISTENER)),
        defaults)).containsExactly(ChildKind.HTTP_ROUTE, ChildKind.REFERENCE_GRANT);
    assertThat(exposureKinds(policy(gateway("mail", GatewayListener.HOST_LISTENER)), defaults))
        .as("a Gateway next to the Secret needs no grant").containsExactly(ChildKind.HTTP_ROUTE);
    assertThat(exposureKinds(policy(gateway(null, GatewayListener.WILDCARD_LISTENER)),
        defaults)).containsExactly(ChildKind.HTTP_ROUTE);
  }

  @Test
  void theOperatorDefaultAppliesOnlyWhereTheResourceSaysNothing() {
    PlanSettings settings = new PlanSettings(PlanSettings.DEFAULT_WEB_SERVER_IMAGE, "",
        Optional.empty(), TenantLimits.defaults(), new GatewayApiSettings(true,
            Optional.of(gateway("gateway-system", GatewayListener.LISTENER_SET))));
    PolicyPlan byDefault = PolicyPlan.of(policy(null), settings);
    assertThat(byDefault.exposure().gateway().orElseThrow().namespace())
        .isEqualTo("gateway-system");
    assertThat(exposureKinds(policy(new ExposureSpec(ExposureType.INGRESS, null)), settings))
        .containsExactly(ChildKind.INGRESS);

    // a default Gateway without a namespace is in each resource's own namespace
    PlanSettings local = new PlanSettings(PlanSettings.DEFAULT_WEB_SERVER_IMAGE, "",
        Optional.empty(), TenantLimits.defaults(), new GatewayApiSettings(true,
            Optional.of(gateway(null, GatewayListener.WILDCARD_LISTENER))));
    assertThat(PolicyPlan.of(policy(null), local).exposure().gateway().orElseThrow()
        .namespace()).isEqualTo("mail");
  }

  @Test
  void theRouteAttachesToTheListenerSetOrToTheNamedGatewayListener() {
    PolicyPlan viaSet = PolicyPlan.of(
        policy(gateway("gateway-system", GatewayListener.LISTENER_SET)), PlanSettings.defaults());
    var parent = GatewayChildren.httpRoute(viaSet).getSpec().getParentRefs().get(0);
    assertThat(parent.getKind()).isEqualTo("ListenerSet");
    assertThat(parent.getNamespace()).isNull();
    assertThat(GatewayChildren.listenerSet(viaSet).getSpec().getListeners().get(0).getName())
        .isEqualTo(parent.getSectionName());

    ExposureSpec wildcard = gateway("gateway-system", GatewayListener.WILDCARD_LISTENER);
    wildcard.getGateway().setSectionName("https");
    var onGateway = GatewayChildren.httpRoute(PolicyPlan.of(policy(wildcard),
        PlanSettings.defaults())).getSpec().getParentRefs().get(0);
    assertThat(onGateway.getKind()).isEqualTo("Gateway");
    assertThat(onGateway.getNamespace()).isEqualTo("gateway-system");
    assertThat(onGateway.getSectionName()).isEqualTo("https");
  }

  @Test
  void badExposuresAreRefusedNamingTheField() {
    assertThat(SpecValidator.problems(policy(new ExposureSpec(ExposureType.GATEWAY, null))
        .getSpec())).singleElement().asString()
        .startsWith("spec.exposure.gateway: required when spec.exposure.type is Gateway");

    ExposureSpec bad = gateway("Gateway_System", GatewayListener.UNRECOGNIZED);
    bad.getGateway().setName("Public");
    bad.getGateway().setPort(70000);
    assertThat(SpecValidator.problems(policy(bad).getSpec())).containsExactly(
        "spec.exposure.gateway.name: 'Public' is not a valid object name (lower case letters,"
            + " digits, '-' and '.')",
        "spec.exposure.gateway.namespace: 'Gateway_System' is not a valid namespace name (lower"
            + " case letters, digits and '-', at most 63)",
        "spec.exposure.gateway.listener: must be ListenerSet, HostListener or WildcardListener"
            + " (case-sensitive)",
        "spec.exposure.gateway.port: 70000 is outside 1..65535");

    ExposureSpec sectionOnSet = gateway(null, GatewayListener.LISTENER_SET);
    sectionOnSet.getGateway().setSectionName("https");
    assertThat(SpecValidator.problems(policy(sectionOnSet).getSpec())).singleElement()
        .asString().startsWith("spec.exposure.gateway.sectionName: only with listener");

    assertThat(SpecValidator.problems(policy(new ExposureSpec(ExposureType.UNRECOGNIZED, null))
        .getSpec())).containsExactly(
            "spec.exposure.type: must be Ingress or Gateway (case-sensitive)");
  }
}
