package io.mtasts.operator.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The schema check used on the examples rejects what the API server rejects, shown on the
 * committed CRD: each row is a spec and the problem reported for it.
 */
class CrdSchemaValidatorTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static CrdSchemaValidator validator;

  @BeforeAll
  static void loadCommittedCrd() throws IOException {
    validator = CrdSchemaValidator.load(ExampleFiles.committedCrd(), "v1alpha1");
  }

  @Test
  void acceptsAMinimalResourceAndOneWithEveryField() throws IOException {
    assertThat(problems("{domain: example.com, mx: [mail.example.com]}")).isEmpty();
    assertThat(problems("""
        {domain: example.com, mode: enforce, mx: [mail.example.com, "*.example.net"],
         maxAge: 31557600,
         tlsRpt: {rua: ["mailto:r@example.com", "https://r.example.com/x"]},
         ingress: {className: nginx, annotations: {a: b}, labels: {c: d}},
         tls: {issuerRef: {name: le, kind: Issuer, group: cert-manager.io}, secretName: s},
         server: {replicas: 10, image: nginx, resources: {limits: {cpu: 1, memory: 64Mi}}},
         dns: {externalDns: true},
         verification: {enabled: true, interval: 1h30m, probeMx: false}}""")).isEmpty();
  }

  @ParameterizedTest(name = "spec {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {mx: [m.example.com]}                                  | spec.domain: required
      {domain: Example.com, mx: [m.example.com]}             | spec.domain: 'Example.com' does not match
      {domain: 192.0.2.1, mx: [m.example.com]}               | spec.domain: '192.0.2.1' does not match
      {domain: example.com, mode: Enforce, mx: [m.example.com]} | spec.mode: "Enforce" is not one of ["enforce","none","testing"]
      {domain: example.com, mx: [m.example.com], maxAge: "1"} | spec.maxAge: expected type integer, found string
      {domain: example.com, mx: [m.example.com], maxAge: -1} | spec.maxAge: -1 is less than the minimum 0
      {domain: example.com, mx: [m.example.com], maxAge: 31557601} | spec.maxAge: 31557601 is more than the maximum 31557600
      {domain: example.com}                                  | spec.mx: spec.mx must list at least one MX host pattern unless spec.mode is none
      {domain: example.com, mode: testing, mx: []}           | spec.mx: spec.mx must list at least one MX host pattern unless spec.mode is none
      {domain: example.com, mode: null}                      | spec.mx: spec.mx must list at least one MX host pattern unless spec.mode is none
      {domain: example.com, mx: [MAIL.example.com]}          | spec.mx[0]: 'MAIL.example.com' does not match
      {domain: example.com, mx: ["*.*.example.com"]}         | spec.mx[0]: '*.*.example.com' does not match
      {domain: example.com, mx: [m.example.com], mxx: [a]}   | spec.mxx: unknown field
      {domain: example.com, mx: [m.example.com], tlsRpt: {rua: []}} | spec.tlsRpt.rua: 0 items, at least 1 required
      {domain: example.com, mx: [m.example.com], tlsRpt: {}} | spec.tlsRpt.rua: required
      {domain: example.com, mx: [m.example.com], tlsRpt: {rua: ["mailto:a,b@example.com"]}} | spec.tlsRpt.rua[0]: 'mailto:a,b@example.com' does not match
      {domain: example.com, mx: [m.example.com], tls: {issuerRef: {kind: Issuer}}} | spec.tls.issuerRef.name: required
      {domain: example.com, mx: [m.example.com], tls: {issuerRef: {name: le, kind: Cluster}}} | spec.tls.issuerRef.kind: "Cluster" is not one of ["ClusterIssuer","Issuer"]
      {domain: example.com, mx: [m.example.com], server: {replicas: 0}} | spec.server.replicas: 0 is less than the minimum 1
      {domain: example.com, mx: [m.example.com], server: {resources: {limits: {cpu: true}}}} | spec.server.resources.limits.cpu: expected an integer or a string
      {domain: example.com, mx: [m.example.com], verification: {interval: 15 minutes}} | spec.verification.interval: '15 minutes' does not match
      {domain: example.com, mx: [m.example.com], dns: {externalDns: "yes"}} | spec.dns.externalDns: expected type boolean, found string
      """)
  void rejectsWhatTheApiServerRejects(String spec, String problem) throws IOException {
    assertThat(problems(spec)).singleElement().asString().startsWith(problem);
  }

  @Test
  void rejectsTooManyMxPatternsAndTooLongDomains() throws IOException {
    String mx = "m.example.com, ".repeat(64) + "m.example.com";
    String domain = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "."
        + "d".repeat(47) + ".com";

    assertThat(problems("{domain: example.com, mx: [" + mx + "]}"))
        .containsExactly("spec.mx: 65 items, at most 64 allowed");
    assertThat(problems("{domain: " + domain + ", mx: [m.example.com]}"))
        .containsExactly("spec.domain: 243 characters, at most 242 allowed");
  }

  @Test
  void modeNoneNeedsNoMxBecauseDefaultsAreAppliedBeforeTheRules() throws IOException {
    assertThat(problems("{domain: example.com, mode: none}")).isEmpty();
  }

  @Test
  void refusesASchemaWithAConstraintItDoesNotCheck() throws IOException {
    JsonNode uniqueItems = YAML.readTree(
        "type: object\nproperties: {mx: {type: array, uniqueItems: true}}\n");
    JsonNode otherRule = YAML.readTree(
        "type: object\nx-kubernetes-validations: [{rule: 'self.a == 1'}]\n");

    assertThatThrownBy(() -> new CrdSchemaValidator(uniqueItems))
        .hasMessageContaining("uniqueItems");
    assertThatThrownBy(() -> new CrdSchemaValidator(otherRule))
        .hasMessageContaining("self.a == 1");
  }

  private static List<String> problems(String spec) throws IOException {
    return validator.problems(YAML.readTree("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata: {name: example-com}
        spec: %s
        """.formatted(spec.replace("\n", "\n  "))));
  }
}
