package io.mtasts.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.policy.PolicyId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Given MtaStsPolicy YAML, {@code render} prints what the operator would serve and create. */
class RenderCommandTest {

  private static final String BASIC = """
      apiVersion: mtasts.io/v1alpha1
      kind: MtaStsPolicy
      metadata:
        name: example-com
      spec:
        domain: example.com
        mode: testing
        mx:
          - mail.example.com
      """;

  private static final String BASIC_POLICY =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();

  @TempDir Path dir;

  private String file(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, content);
    return path.toString();
  }

  @Test
  void policyPartIsAHeaderNamingFileAndUrlThenTheExactPolicyBytes() throws IOException {
    String cr = file("basic.yaml", BASIC);

    RenderRun run = RenderRun.of("-f", cr, "--only", "policy");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("# Policy of MtaStsPolicy example-com (" + cr + ":1), served"
        + " at https://mta-sts.example.com/.well-known/mta-sts.txt\n" + BASIC_POLICY);
  }

  @Test
  void dnsPartListsTheTxtRecordsWithTheIdANewResourceWouldBeAllocatedNow() throws IOException {
    String cr = file("rpt.yaml", BASIC + """
          tlsRpt:
            rua: ["mailto:tls-reports@example.com", "https://reports.example.com/tlsrpt"]
        """);
    // the run's clock says 2026-03-01T12:00:00Z; then 6 characters of the policy's digest
    String id = "20260301120000"
        + PolicyId.of(BASIC_POLICY.getBytes(StandardCharsets.US_ASCII)).substring(0, 6);

    RenderRun run = RenderRun.of("-f", cr, "--only", "dns");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().lines().toList()).containsExactly(
        "# DNS records to publish for MtaStsPolicy example-com (" + cr + ":1), with policy id "
            + id,
        "# Policy ids are allocated, not derived from the policy: the allocation time (UTC,"
            + " yyyyMMddHHmmss)",
        "# and 6 characters of the policy's SHA-256. This is the id a new resource would get"
            + " now; every later",
        "# change gets a new, later id, never one used before. Publish the id in the resource's"
            + " status.dnsRecords.",
        "_mta-sts.example.com.    TXT  \"v=STSv1; id=" + id + "\"",
        "_smtp._tls.example.com.  TXT  \"v=TLSRPTv1; rua=mailto:tls-reports@example.com,"
            + "https://reports.example.com/tlsrpt\"");
  }

  @Test
  void theIdChangesWhenThePolicyChanges() throws IOException {
    String one = file("one.yaml", BASIC);
    String two = file("two.yaml", BASIC.replace("mode: testing", "mode: enforce"));

    String first = RenderRun.of("-f", one, "--only", "dns").out();
    String second = RenderRun.of("-f", two, "--only", "dns").out();

    assertThat(txtLine(first)).isNotEqualTo(txtLine(second));
    assertThat(second).contains("id=20260301120000" + PolicyId.of(
        BASIC_POLICY.replace("testing", "enforce").getBytes(StandardCharsets.US_ASCII))
        .substring(0, 6));
  }

  private static String txtLine(String out) {
    return out.lines().filter(l -> l.startsWith("_mta-sts.")).findFirst().orElseThrow();
  }

  @Test
  void theIdIsTheTimeOfTheRunSoARenderLaterShowsALaterId() throws IOException {
    String cr = file("basic.yaml", BASIC);

    String now = txtLine(RenderRun.of("-f", cr, "--only", "dns").out());
    String inAMinute = txtLine(RenderRun.at(RenderRun.NOW.plusSeconds(60), "-f", cr, "--only",
        "dns").out());

    assertThat(now).contains("id=20260301120000");
    assertThat(inAMinute).contains("id=20260301120100");
  }

  @Test
  void objectsPartSaysWhichIdTheChecksumAndTheDnsEndpointCarry() throws IOException {
    String cr = file("edns.yaml", BASIC + """
          dns:
            externalDns: true
        """);
    String id = "20260301120000"
        + PolicyId.of(BASIC_POLICY.getBytes(StandardCharsets.US_ASCII)).substring(0, 6);

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects");

    assertThat(run.out()).contains("# The pod template's checksum and the DNSEndpoint's record"
        + " carry the policy id a new resource would be allocated now (" + id + ")\n");
  }

  @Test
  void objectsPartIsYamlOfEveryChildOwnedByTheResource() throws IOException {
    String cr = file("basic.yaml", BASIC);

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("# metadata.uid is not set, so ownerReferences carry the"
        + " placeholder uid " + RenderCommand.PLACEHOLDER_UID);
    List<JsonNode> objects = documents(run.out());
    assertThat(objects).extracting(o -> o.get("kind").asText())
        .containsExactly("ConfigMap", "Deployment", "Service", "Ingress");
    for (JsonNode object : objects) {
      JsonNode metadata = object.get("metadata");
      assertThat(metadata.get("name").asText()).isEqualTo("mta-sts-example-com");
      assertThat(metadata.get("namespace").asText()).isEqualTo("default");
      assertThat(metadata.at("/labels/app.kubernetes.io~1managed-by").asText())
          .isEqualTo("mta-sts-operator");
      JsonNode owner = metadata.get("ownerReferences").get(0);
      assertThat(owner.get("apiVersion").asText()).isEqualTo("mtasts.io/v1alpha1");
      assertThat(owner.get("kind").asText()).isEqualTo("MtaStsPolicy");
      assertThat(owner.get("name").asText()).isEqualTo("example-com");
      assertThat(owner.get("uid").asText()).isEqualTo(RenderCommand.PLACEHOLDER_UID);
    }
    ConfigMap configMap = KUBE.convertValue(objects.get(0), ConfigMap.class);
    assertThat(configMap.getData()).containsEntry("mta-sts.txt", BASIC_POLICY);
    assertThat(configMap.getData().get("nginx.conf"))
        .contains("location = /.well-known/mta-sts.txt");
    Ingress ingress = KUBE.convertValue(objects.get(3), Ingress.class);
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("mta-sts.example.com");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName())
        .isEqualTo("mta-sts-example-com-tls");
  }

  @Test
  void aResourceReadFromTheClusterKeepsItsUidAndNamespace() throws IOException {
    String cr = file("live.yaml", BASIC.replace("name: example-com",
        "name: example-com\n  namespace: mail\n  uid: 6f1c2a9e-1b7d-4c55-9d3e-0a8b7c6d5e4f"));

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).doesNotContain("placeholder");
    for (JsonNode object : documents(run.out())) {
      assertThat(object.at("/metadata/namespace").asText()).isEqualTo("mail");
      assertThat(object.at("/metadata/ownerReferences/0/uid").asText())
          .isEqualTo("6f1c2a9e-1b7d-4c55-9d3e-0a8b7c6d5e4f");
    }
  }

  @Test
  void withoutOnlyEveryPartIsPrintedInOrder() throws IOException {
    String cr = file("basic.yaml", BASIC);

    RenderRun run = RenderRun.of("-f", cr);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().lines().filter(l -> l.startsWith("# ") && !l.startsWith("# metadata")
        && !l.startsWith("# Generated") && l.contains(" MtaStsPolicy")).map(l -> l.substring(0, l.indexOf(" MtaStsPolicy"))))
        .containsExactly("# Policy of", "# DNS records to publish for",
            "# Objects the operator creates for");
    assertThat(run.out()).contains(BASIC_POLICY);
  }

  @Test
  void everyDocumentOfStandardInputIsRenderedAndOtherKindsAreSkipped() {
    String stdin = BASIC + "---\n" + """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: unrelated
        ---
        """ + BASIC.replace("example-com", "example-net").replace("example.com", "example.net");

    RenderRun run = RenderRun.withStdin(stdin, "-f", "-", "--only", "policy");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains(
        "# Policy of MtaStsPolicy example-com (<stdin>:1), served at"
            + " https://mta-sts.example.com/.well-known/mta-sts.txt\n",
        "# Policy of MtaStsPolicy example-net (<stdin>:16), served at"
            + " https://mta-sts.example.net/.well-known/mta-sts.txt\n",
        "mx: mail.example.net\r\n");
    assertThat(run.err()).contains("skipped ConfigMap unrelated (<stdin>:11)");
  }

  @Test
  void namespaceOptionAppliesToResourcesThatNameNone() throws IOException {
    String cr = file("basic.yaml", BASIC);

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects", "--namespace", "mail");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(documents(run.out())).allSatisfy(
        o -> assertThat(o.at("/metadata/namespace").asText()).isEqualTo("mail"));
  }

  @Test
  void namespaceOptionThatContradictsTheResourceIsAUsageError() throws IOException {
    String cr = file("ns.yaml", BASIC.replace("name: example-com",
        "name: example-com\n  namespace: mail"));

    RenderRun run = RenderRun.of("-f", cr, "--namespace", "other");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).singleElement().asString()
        .contains(cr + ":1", "'mail'", "--namespace 'other'");
  }

  @Test
  void operatorSettingsChangeTheObjectsAsTheyWouldInTheOperator() throws IOException {
    String cr = file("basic.yaml", BASIC);

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects",
        "--web-server-image", "registry.example.com/nginx:1.29",
        "--ingress-class", "internal",
        "--default-issuer", "ClusterIssuer/letsencrypt");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<JsonNode> objects = documents(run.out());
    assertThat(objects).extracting(o -> o.get("kind").asText())
        .containsExactly("ConfigMap", "Deployment", "Service", "Ingress", "Certificate");
    Deployment deployment = KUBE.convertValue(objects.get(1), Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/nginx:1.29");
    assertThat(objects.get(3).at("/spec/ingressClassName").asText()).isEqualTo("internal");
    JsonNode certificate = objects.get(4);
    assertThat(certificate.at("/spec/issuerRef/kind").asText()).isEqualTo("ClusterIssuer");
    assertThat(certificate.at("/spec/issuerRef/name").asText()).isEqualTo("letsencrypt");
    assertThat(certificate.at("/spec/dnsNames/0").asText()).isEqualTo("mta-sts.example.com");
    assertThat(certificate.at("/spec/secretName").asText()).isEqualTo("mta-sts-example-com-tls");
    assertThat(run.out()).contains("# The Certificate is created only when cert-manager is"
        + " installed");
  }

  @Test
  void theResourceWinsOverTheOperatorDefaults() throws IOException {
    String cr = file("own.yaml", BASIC + """
          ingress:
            className: public
          server:
            image: nginx:own
        """);

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects",
        "--web-server-image", "nginx:default", "--ingress-class", "internal",
        "--allowed-images", "nginx:own");

    assertThat(run.out()).contains("image: nginx:own", "ingressClassName: public")
        .doesNotContain("nginx:default", "internal");
  }

  @Test
  void whatTheOperatorsLimitsRefuseIsRefusedHereToo() throws IOException {
    String cr = file("limits.yaml", BASIC + """
          ingress:
            annotations:
              nginx.ingress.kubernetes.io/configuration-snippet: "return 200;"
          server:
            image: nginx:own
        """);

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("spec.server.image: 'nginx:own' is not allowed by the"
        + " operator's settings", "'nginx.ingress.kubernetes.io/configuration-snippet' is"
        + " refused");
  }

  @Test
  void externalDnsAddsADnsEndpointCarryingTheRenderedId() throws IOException {
    String cr = file("edns.yaml", BASIC + """
          dns:
            externalDns: true
        """);
    String id = "20260301120000"
        + PolicyId.of(BASIC_POLICY.getBytes(StandardCharsets.US_ASCII)).substring(0, 6);

    RenderRun run = RenderRun.of("-f", cr, "--only", "objects");

    List<JsonNode> objects = documents(run.out());
    JsonNode endpoint = objects.get(objects.size() - 1);
    assertThat(endpoint.get("kind").asText()).isEqualTo("DNSEndpoint");
    assertThat(endpoint.at("/spec/endpoints/0/dnsName").asText())
        .isEqualTo("_mta-sts.example.com");
    assertThat(endpoint.at("/spec/endpoints/0/recordType").asText()).isEqualTo("TXT");
    assertThat(endpoint.at("/spec/endpoints/0/targets/0").asText())
        .isEqualTo("v=STSv1; id=" + id);
  }

  @Test
  void invalidResourceExitsOneWithEveryProblemNamingItsFieldAndPrintsNothing()
      throws IOException {
    String cr = file("bad.yaml", """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: bad
        spec:
          domain: Example.com
          mode: enforce
          maxAge: 99999999
        """);

    RenderRun run = RenderRun.of("-f", cr);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).hasSize(3).allSatisfy(
        line -> assertThat(line).startsWith(cr + ":1: MtaStsPolicy bad: spec."));
    assertThat(run.err()).contains("spec.domain: ", "spec.mx: ", "spec.maxAge: ");
  }

  @Test
  void oneInvalidResourceStopsTheWholeFile() throws IOException {
    String cr = file("mixed.yaml", BASIC + "---\n"
        + BASIC.replace("example-com", "broken").replace("- mail.example.com", "- ''"));

    RenderRun run = RenderRun.of("-f", cr);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).singleElement().asString()
        .startsWith(cr + ":11: MtaStsPolicy broken: spec.mx[0]: ");
  }

  @Test
  void unknownFieldsAndWrongTypesAreNamedLikeKubectlWould() throws IOException {
    String typo = file("typo.yaml", BASIC + "  tls:\n    issuerReff: {name: letsencrypt}\n");
    String type = file("type.yaml", BASIC.replace("mode: testing", "mode: Enforce"));

    RenderRun unknown = RenderRun.of("-f", typo);
    RenderRun wrong = RenderRun.of("-f", type);

    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).contains("spec.tls.issuerReff: unknown field; expected one of"
        + " issuerRef, secretName");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains(
        "spec.mode: must be one of enforce, testing, none");
  }

  @ParameterizedTest(name = "spec {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {domain: example.com, mx: mail.example.com}                   | spec.mx: expected a list
      {domain: example.com, mx: [m.example.com], maxAge: "604800"}  | spec.maxAge: expected a whole number
      {domain: example.com, mx: [m.example.com], maxAge: 1.5}       | spec.maxAge: '1.5' is not allowed; expected a whole number
      {domain: example.com, mx: [m.example.com], maxAge: 99999999999999999999999} | spec.maxAge: the number is too large
      {domain: example.com, mx: [m.example.com], dns: {externalDns: "yes"}} | spec.dns.externalDns: expected true or false
      {domain: example.com, mx: [m.example.com], tls: example-tls}  | spec.tls: expected a mapping of fields
      {domain: 42, mx: [m.example.com]}                             | spec.domain: '42' is not allowed; expected a string
      """)
  void valuesOfTheWrongTypeAreNamedInsteadOfConverted(String spec, String problem)
      throws IOException {
    String cr = file("type.yaml", """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example-com
        spec: %s
        """.formatted(spec));

    RenderRun run = RenderRun.of("-f", cr);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).singleElement().asString()
        .isEqualTo(cr + ":1: MtaStsPolicy example-com: " + problem);
  }

  @Test
  void anotherApiVersionOfTheKindIsInvalid() throws IOException {
    String cr = file("v1.yaml", BASIC.replace("mtasts.io/v1alpha1", "mtasts.io/v1"));

    RenderRun run = RenderRun.of("-f", cr);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("apiVersion: 'mtasts.io/v1' is not served");
  }

  @Test
  void yamlSyntaxErrorExitsTwoWithOneLineNamingFileAndLine() throws IOException {
    String cr = file("broken.yaml", BASIC + "  maxAge: 1: 2\n");

    RenderRun run = RenderRun.of("-f", cr);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).singleElement().asString()
        .contains(cr + ":10: YAML syntax error: ");
  }

  @Test
  void duplicateKeysAreASyntaxErrorAsWithKubectl() throws IOException {
    String cr = file("dup.yaml", BASIC + "  mode: enforce\n");

    RenderRun run = RenderRun.of("-f", cr);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString().contains(cr + ":10: ", "'mode'");
  }

  @Test
  void binaryInputIsNamedAsNotUtf8Text() throws IOException {
    Path binary = dir.resolve("policy.gz");
    Files.write(binary, new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xff, (byte) 0xfe, 0});

    RenderRun run = RenderRun.of("-f", binary.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .contains(binary.toString(), "not UTF-8 text").doesNotContain("Exception");
  }

  @Test
  void unreadableInputExitsTwoWithOneLineNamingIt() throws IOException {
    String missing = dir.resolve("missing.yaml").toString();
    String other = file("other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");

    RenderRun absent = RenderRun.of("-f", missing);
    RenderRun directory = RenderRun.of("-f", dir.toString());
    RenderRun nothing = RenderRun.of("-f", other);
    RenderRun notAnObject = RenderRun.withStdin("- just\n- a list\n", "-f", "-");

    assertThat(absent.exitCode()).isEqualTo(2);
    assertThat(absent.errLines()).singleElement().asString().contains(missing, "no such file");
    assertThat(directory.exitCode()).isEqualTo(2);
    assertThat(directory.errLines()).singleElement().asString().contains("is a directory");
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.errLines()).singleElement().asString()
        .contains("no MtaStsPolicy in " + other);
    assertThat(notAnObject.exitCode()).isEqualTo(2);
    assertThat(notAnObject.errLines()).singleElement().asString()
        .contains("<stdin>:1: not a Kubernetes object");
    for (RenderRun run : List.of(absent, directory, nothing, notAnObject)) {
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void badOptionValuesAreUsageErrors() throws IOException {
    String cr = file("basic.yaml", BASIC);

    RenderRun part = RenderRun.of("-f", cr, "--only", "everything");
    RenderRun issuer = RenderRun.of("-f", cr, "--default-issuer", "letsencrypt");
    RenderRun namespace = RenderRun.of("-f", cr, "--namespace", "Not_A_Namespace");
    RenderRun noFile = RenderRun.of();

    assertThat(part.exitCode()).isEqualTo(2);
    assertThat(part.err()).contains("'everything' is not one of policy, dns, objects");
    assertThat(issuer.exitCode()).isEqualTo(2);
    assertThat(issuer.err()).contains("--default-issuer 'letsencrypt' is invalid");
    assertThat(namespace.exitCode()).isEqualTo(2);
    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.err()).contains("--filename");
  }

  @Test
  void longTlsRptRecordsAreSplitIntoDnsStringsOfAtMost255Characters() throws IOException {
    StringBuilder rua = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      rua.append(i == 0 ? "" : ", ").append("\"https://reports-").append(i)
          .append(".example.com/a/rather/long/path/for/tls/reports\"");
    }
    String cr = file("long.yaml", BASIC + "  tlsRpt:\n    rua: [" + rua + "]\n");

    RenderRun run = RenderRun.of("-f", cr, "--only", "dns");

    String line = run.out().lines().filter(l -> l.startsWith("_smtp._tls.")).findFirst()
        .orElseThrow();
    String quoted = line.substring(line.indexOf('"'));
    List<String> strings = List.of(quoted.substring(1, quoted.length() - 1).split("\" \""));
    assertThat(strings).hasSizeGreaterThan(1)
        .allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
    assertThat(String.join("", strings)).startsWith("v=TLSRPTv1; rua=https://reports-0.")
        .endsWith("reports-7.example.com/a/rather/long/path/for/tls/reports");
  }

  /** The YAML documents of the output; comment lines are not documents. */
  private static List<JsonNode> documents(String yaml) throws IOException {
    try (var values = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      return values.readAll().stream().map(JsonNode.class::cast)
          .filter(n -> n != null && !n.isNull() && !n.isMissingNode()).toList();
    }
  }
}
