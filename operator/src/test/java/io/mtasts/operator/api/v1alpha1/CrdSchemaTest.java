package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What users rely on in the committed CRD: names, validation, defaults and kubectl output. */
class CrdSchemaTest {

  private static CustomResourceDefinition crd;
  private static CustomResourceDefinitionVersion version;
  private static JSONSchemaProps spec;

  @BeforeAll
  static void loadCommittedCrd() {
    crd = CommittedCrd.load();
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    version = crd.getSpec().getVersions().get(0);
    spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void namesTheResourceForKubectl() {
    assertThat(crd.getMetadata().getName()).isEqualTo("mtastspolicies.mtasts.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("mtasts.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("MtaStsPolicy");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("mtastspolicies");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("mtasts");
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
  }

  @Test
  void hasStatusSubresourceSoSpecEditsCannotOverwriteStatus() {
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void printerColumnsShowDomainModePolicyIdReadyAndAge() {
    Map<String, String> columns =
        version.getAdditionalPrinterColumns().stream()
            .collect(
                Collectors.toMap(
                    CustomResourceColumnDefinition::getName,
                    CustomResourceColumnDefinition::getJsonPath));

    assertThat(columns)
        .containsOnly(
            Map.entry("Domain", ".spec.domain"),
            Map.entry("Mode", ".spec.mode"),
            Map.entry("Policy ID", ".status.policyId"),
            Map.entry("Ready", ".status.conditions[?(@.type==\"Ready\")].status"),
            Map.entry("Age", ".metadata.creationTimestamp"),
            Map.entry("Safe To Delete After", ".status.retirement.safeToDeleteAfter"));
    assertThat(column("Age").getType()).isEqualTo("date");
    // only with -o wide: most policies are never retired
    assertThat(column("Safe To Delete After").getPriority()).isEqualTo(1);
  }

  @Test
  void domainIsRequiredAndMustBeALowerCaseFqdn() {
    assertThat(spec.getRequired()).containsExactly("domain");
    JSONSchemaProps domain = spec.getProperties().get("domain");
    assertThat(domain.getPattern()).isEqualTo(SpecConstraints.DOMAIN);
    assertThat(domain.getMaxLength()).isEqualTo((long) SpecConstraints.DOMAIN_MAX_LENGTH);
  }

  @Test
  void modeIsAnEnumDefaultingToTesting() {
    JSONSchemaProps mode = spec.getProperties().get("mode");
    assertThat(mode.getEnum())
        .map(node -> node.asText())
        .containsExactlyInAnyOrder("enforce", "testing", "none");
    assertThat(mode.getDefault().asText()).isEqualTo(SpecDefaults.MODE).isEqualTo("testing");
  }

  @Test
  void mxEntriesArePatternCheckedAndTheListIsBounded() {
    JSONSchemaProps mx = spec.getProperties().get("mx");
    assertThat(mx.getType()).isEqualTo("array");
    assertThat(mx.getMaxItems()).isEqualTo(64L);
    assertThat(mx.getItems().getSchema().getPattern()).isEqualTo(SpecConstraints.MX);
    assertThat(mx.getItems().getSchema().getMaxLength()).isEqualTo(253L);
  }

  @Test
  void maxAgeIsBoundedByRfc8461AndDefaultsToOneWeek() {
    JSONSchemaProps maxAge = spec.getProperties().get("maxAge");
    assertThat(maxAge.getType()).isEqualTo("integer");
    assertThat(maxAge.getMinimum()).isEqualTo(0.0);
    assertThat(maxAge.getMaximum()).isEqualTo(31_557_600.0);
    assertThat(maxAge.getDefault().asLong())
        .isEqualTo(SpecDefaults.MAX_AGE_SECONDS)
        .isEqualTo(604_800L);
  }

  @Test
  void tlsRptNeedsOneToSixteenMailtoOrHttpsUris() {
    JSONSchemaProps tlsRpt = spec.getProperties().get("tlsRpt");
    assertThat(tlsRpt.getRequired()).containsExactly("rua");
    JSONSchemaProps rua = tlsRpt.getProperties().get("rua");
    assertThat(rua.getMinItems()).isEqualTo(1L);
    assertThat(rua.getMaxItems()).isEqualTo(16L);
    assertThat(rua.getItems().getSchema().getPattern()).isEqualTo(SpecConstraints.RUA);
  }

  @Test
  void nestedFieldsCarryTheirDefaults() {
    JSONSchemaProps issuerRef = property(spec, "tls", "issuerRef");
    assertThat(issuerRef.getRequired()).containsExactly("name");
    assertThat(issuerRef.getProperties().get("kind").getEnum())
        .map(node -> node.asText())
        .containsExactlyInAnyOrder("Issuer", "ClusterIssuer");
    assertThat(issuerRef.getProperties().get("kind").getDefault().asText())
        .isEqualTo("ClusterIssuer");
    assertThat(issuerRef.getProperties().get("group").getDefault().asText())
        .isEqualTo("cert-manager.io");

    JSONSchemaProps replicas = property(spec, "server", "replicas");
    assertThat(replicas.getDefault().asInt()).isEqualTo(2);
    assertThat(replicas.getMinimum()).isEqualTo(1.0);
    assertThat(replicas.getMaximum()).isEqualTo(10.0);

    assertThat(property(spec, "dns", "externalDns").getDefault().asBoolean()).isFalse();
    assertThat(property(spec, "verification", "enabled").getDefault().asBoolean()).isTrue();
    assertThat(property(spec, "verification", "probeMx").getDefault().asBoolean()).isFalse();
    JSONSchemaProps interval = property(spec, "verification", "interval");
    assertThat(interval.getPattern()).isEqualTo(SpecConstraints.DURATION);
    assertThat(interval.getDefault()).as("the operator's configured interval applies").isNull();
  }

  @Test
  void celRuleRequiresMxUnlessModeIsNone() {
    List<ValidationRule> rules = spec.getXKubernetesValidations();
    assertThat(rules).hasSize(1);
    ValidationRule rule = rules.get(0);
    assertThat(rule.getRule())
        .isEqualTo(
            "(has(self.mode) && self.mode == 'none') || (has(self.mx) && size(self.mx) > 0)");
    assertThat(rule.getMessage()).contains("spec.mx");
    assertThat(rule.getFieldPath()).isEqualTo(".mx");
  }

  @Test
  void domainCannotBeChangedAndTheRefusalSaysWhatToDoInstead() {
    List<ValidationRule> rules = property(spec, "domain").getXKubernetesValidations();
    assertThat(rules).hasSize(1);
    ValidationRule rule = rules.get(0);
    // a transition rule: without oldSelf it would not compare against the stored object
    assertThat(rule.getRule()).isEqualTo("self == oldSelf");
    assertThat(rule.getMessage())
        .startsWith("spec.domain cannot be changed")
        .contains("create a new MtaStsPolicy", "delete this one", "retires");
  }

  @Test
  void gitOpsToolsAndHelmAreToldToKeepTheCrd() {
    assertThat(crd.getMetadata().getAnnotations())
        .containsEntry("argocd.argoproj.io/sync-options", "Delete=false,Prune=false")
        .containsEntry("kustomize.toolkit.fluxcd.io/prune", "disabled")
        .containsEntry("helm.sh/resource-policy", "keep");
  }

  private static CustomResourceColumnDefinition column(String name) {
    return version.getAdditionalPrinterColumns().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static JSONSchemaProps property(JSONSchemaProps schema, String... path) {
    JSONSchemaProps current = schema;
    for (String name : path) {
      current = current.getProperties().get(name);
      assertThat(current).as("schema property %s", name).isNotNull();
    }
    return current;
  }
}
