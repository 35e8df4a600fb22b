package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.mtasts.operator.api.v1alpha1.Mode;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.SpecConstraints;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The API server itself enforces the CRD's schema at apply time, naming the field. */
class CrdValidationE2E {

  private static RealCluster cluster;

  @BeforeAll
  static void connect() {
    cluster = RealCluster.connect("crd");
  }

  @AfterAll
  static void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The YAML as a user writes it, sent as is: no client-side model in the way. */
  static io.fabric8.kubernetes.api.model.GenericKubernetesResource raw(String specYaml) {
    String yaml = "apiVersion: mtasts.io/v1alpha1\nkind: MtaStsPolicy\nmetadata:\n  name: bad\n"
        + "spec: " + specYaml + "\n";
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
  }

  static MtaStsPolicy policy(String specYaml) {
    String spec = specYaml.startsWith("{") ? "spec: " + specYaml + "\n"
        : "spec:\n" + specYaml.indent(2);
    String yaml = "apiVersion: mtasts.io/v1alpha1\nkind: MtaStsPolicy\nmetadata:\n  name: bad\n"
        + spec;
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      mode Enforce           | {domain: example.com, mode: Enforce, mx: [mail.example.com]}   | spec.mode
      maxAge above a year    | {domain: example.com, mx: [mail.example.com], maxAge: 31557601} | spec.maxAge
      enforce without mx     | {domain: example.com, mode: enforce}                           | spec.mx
      domain trailing dot    | {domain: example.com., mx: [mail.example.com]}                 | spec.domain
      domain upper case      | {domain: Example.com, mx: [mail.example.com]}                  | spec.domain
      mx wildcard too deep   | {domain: example.com, mx: ['*.*.example.com']}                 | spec.mx[0]
      domain missing         | {mx: [mail.example.com]}                                       | spec.domain
      """)
  void rejectsAnInvalidResourceNamingTheField(String name, String spec, String field) {
    var bad = raw(spec);
    assertThatThrownBy(() -> cluster.admin.genericKubernetesResources("mtasts.io/v1alpha1",
            "MtaStsPolicy").inNamespace(cluster.namespace).resource(bad).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(field);
  }

  @Test
  void acceptsAValidResourceAndFillsTheDefaults() {
    MtaStsPolicy created = cluster.create(policy("domain: example.org\nmx: [mail.example.org]"));
    assertThat(created.getSpec().getMode().value()).isEqualTo("testing");
    assertThat(created.getSpec().getMaxAge()).isEqualTo(604800L);
  }

  @Test
  void refusesAChangeOfTheDomainSayingToCreateANewResourceInstead() {
    MtaStsPolicy p = policy("domain: moving.example\nmx: [mx.moving.example]");
    p.getMetadata().setName("moving");
    MtaStsPolicy created = cluster.create(p);

    MtaStsPolicy moved = cluster.get("moving");
    moved.getSpec().setDomain("moved.example");
    assertThatThrownBy(() -> cluster.admin.resource(moved).update())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining("spec.domain")
        .hasMessageContaining(SpecConstraints.DOMAIN_IMMUTABLE_MESSAGE);
    // the same through server-side apply, as kubectl apply --server-side and GitOps tools send it
    MtaStsPolicy applied = policy("domain: moved.example\nmx: [mx.moving.example]");
    applied.getMetadata().setName("moving");
    assertThatThrownBy(() -> cluster.admin.resource(applied).inNamespace(cluster.namespace)
            .fieldManager("e2e-gitops").forceConflicts().serverSideApply())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(SpecConstraints.DOMAIN_IMMUTABLE_MESSAGE);
    assertThat(cluster.get("moving").getSpec().getDomain()).isEqualTo("moving.example");

    // every other field stays editable
    MtaStsPolicy edited = cluster.get("moving");
    edited.getSpec().setMode(Mode.ENFORCE);
    MtaStsPolicy updated = cluster.admin.resource(edited).update();
    assertThat(updated.getSpec().getMode()).isEqualTo(Mode.ENFORCE);
    assertThat(updated.getMetadata().getGeneration())
        .isGreaterThan(created.getMetadata().getGeneration());
  }

  @Test
  void kubectlGetShowsThePrinterColumns() throws Exception {
    MtaStsPolicy p = policy("domain: columns.example\nmode: enforce\nmx: [mx.columns.example]");
    p.getMetadata().setName("columns");
    cluster.create(p);
    var http = cluster.admin.getHttpClient();
    String url = cluster.admin.getConfiguration().getMasterUrl().replaceAll("/$", "")
        + "/apis/mtasts.io/v1alpha1/namespaces/" + cluster.namespace + "/mtastspolicies";
    HttpRequest request = http.newHttpRequestBuilder().uri(url)
        .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").build();
    HttpResponse<String> response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    JsonNode table = new ObjectMapper().readTree(response.body());
    List<String> columns = new ArrayList<>();
    table.get("columnDefinitions").forEach(c -> columns.add(c.get("name").asText()));
    assertThat(columns).contains("Name", "Domain", "Mode", "Policy ID", "Ready", "Age");
    JsonNode row = null;
    for (JsonNode r : table.get("rows")) {
      if (r.get("cells").get(columns.indexOf("Name")).asText().equals("columns")) {
        row = r.get("cells");
      }
    }
    assertThat(row).as("the row of 'columns'").isNotNull();
    assertThat(row.get(columns.indexOf("Domain")).asText()).isEqualTo("columns.example");
    assertThat(row.get(columns.indexOf("Mode")).asText()).isEqualTo("enforce");
  }
}
