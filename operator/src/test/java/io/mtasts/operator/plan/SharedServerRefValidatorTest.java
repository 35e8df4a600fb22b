package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.PolicyServerRef;
import io.mtasts.operator.api.v1alpha1.ServerSpec;
import io.mtasts.operator.testing.Policies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spec.server.ref: what may go with it, and what a plan with it asks for. */
class SharedServerRefValidatorTest {

  private static MtaStsPolicy withRef(PolicyServerRef ref) {
    MtaStsPolicy policy = Policies.basic("example", "example.com");
    policy.getMetadata().setNamespace("mail");
    policy.getSpec().setServer(new ServerSpec());
    policy.getSpec().getServer().setRef(ref);
    return policy;
  }

  @Test
  void aReferenceAloneIsValid() {
    assertThat(SpecValidator.problems(withRef(new PolicyServerRef("shared", null)).getSpec()))
        .isEmpty();
  }

  @Test
  void imageAndResourcesAreRefusedWithAReferenceNamingTheFieldAndWhy() {
    MtaStsPolicy policy = withRef(new PolicyServerRef("shared", "hosting"));
    policy.getSpec().getServer().setImage("nginx:1");
    policy.getSpec().getServer().setResources(new ResourceRequirementsBuilder().build());
    List<String> problems = SpecValidator.problems(policy.getSpec());
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("spec.server.image: must be empty with spec.server.ref")
        .contains("set the image there"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("spec.server.resources: must be empty with spec.server.ref"));
  }

  @Test
  void aBadNameOrNamespaceIsRefused() {
    assertThat(SpecValidator.problems(withRef(new PolicyServerRef("", null)).getSpec()))
        .anySatisfy(p -> assertThat(p).startsWith("spec.server.ref.name: required"));
    assertThat(SpecValidator.problems(withRef(new PolicyServerRef("Shared", "Ns")).getSpec()))
        .anySatisfy(p -> assertThat(p).startsWith("spec.server.ref.name: 'Shared'"))
        .anySatisfy(p -> assertThat(p).startsWith("spec.server.ref.namespace: 'Ns'"));
  }

  @Test
  void aPlanWithAReferenceHasNoWebServerOfItsOwn() {
    MtaStsPolicy policy = withRef(new PolicyServerRef("shared", null));
    PolicyPlan plan = PolicyPlan.of(policy, PlanSettings.defaults());
    assertThat(plan.sharedServer()).contains(new SharedServerName("mail", "shared"));
    assertThat(DesiredChildren.of(plan)).extracting(c -> c.getKind())
        .doesNotContain("ConfigMap", "Deployment", "Service");
    MtaStsPolicy own = Policies.basic("example", "example.com");
    own.getMetadata().setNamespace("mail");
    assertThat(DesiredChildren.of(PolicyPlan.of(own, PlanSettings.defaults())))
        .extracting(c -> c.getKind()).contains("ConfigMap", "Deployment", "Service");
  }
}
