package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtasts.operator.api.v1alpha1.IngressSpec;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.ServerSpec;
import io.mtasts.operator.api.v1alpha1.VerificationSpec;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A resource cannot ask the operator for more than its settings allow: other images, annotations
 * that carry configuration, verification at any rate.
 */
class TenantLimitsTest {

  private static MtaStsPolicy policy() {
    MtaStsPolicy p = Policies.basic("example", "example.com");
    p.getMetadata().setNamespace("mail");
    return p;
  }

  private static List<String> problems(MtaStsPolicy p, PlanSettings settings) {
    return PolicyPlan.validate(p, settings, PolicyIds.forNewResource(java.time.Instant.now()))
        .problems();
  }

  private static MtaStsPolicy withImage(String image) {
    MtaStsPolicy p = policy();
    ServerSpec server = new ServerSpec();
    server.setImage(image);
    p.getSpec().setServer(server);
    return p;
  }

  private static MtaStsPolicy withAnnotations(Map<String, String> annotations) {
    MtaStsPolicy p = policy();
    IngressSpec ingress = new IngressSpec();
    ingress.setAnnotations(annotations);
    p.getSpec().setIngress(ingress);
    return p;
  }

  private static MtaStsPolicy withInterval(String interval) {
    MtaStsPolicy p = policy();
    VerificationSpec v = new VerificationSpec();
    v.setInterval(interval);
    p.getSpec().setVerification(v);
    return p;
  }

  private static PlanSettings limits(List<String> images, List<String> annotations) {
    return new PlanSettings(PlanSettings.DEFAULT_WEB_SERVER_IMAGE, "", Optional.empty(),
        new TenantLimits(images, annotations, Duration.ofMinutes(1)));
  }

  @Test
  void byDefaultOnlyTheDefaultImageRuns() {
    assertThat(problems(withImage(PlanSettings.DEFAULT_WEB_SERVER_IMAGE),
        PlanSettings.defaults())).isEmpty();
    assertThat(problems(withImage("attacker.example/miner:latest"), PlanSettings.defaults()))
        .containsExactly("spec.server.image: 'attacker.example/miner:latest' is not allowed by"
            + " the operator's settings; allowed: " + PlanSettings.DEFAULT_WEB_SERVER_IMAGE
            + ", or omit it for the default");
    assertThat(PolicyPlan.validate(withImage("attacker.example/miner:latest"),
        PlanSettings.defaults(), PolicyIds.forNewResource(java.time.Instant.now())).plan())
        .isEmpty();
  }

  @Test
  void listedImagesAndPrefixesEndingInASeparatorRun() {
    PlanSettings settings = limits(List.of("registry.example.com/mirror/", "nginx:1.29-alpine"),
        TenantLimits.DEFAULT_INGRESS_ANNOTATIONS);
    assertThat(problems(withImage("registry.example.com/mirror/nginx:1.29"), settings)).isEmpty();
    assertThat(problems(withImage("nginx:1.29-alpine"), settings)).isEmpty();
    assertThat(problems(withImage("nginx:1.29-alpine-evil"), settings)).singleElement()
        .asString().contains("allowed: " + PlanSettings.DEFAULT_WEB_SERVER_IMAGE
            + ", registry.example.com/mirror/..., nginx:1.29-alpine");
    assertThat(problems(withImage("registry.example.com/mirror-evil/nginx"), settings))
        .hasSize(1);
  }

  @Test
  void certManagersAnnotationsPassByDefaultAndOthersAreRefusedNamingTheAllowedKeys() {
    assertThat(problems(withAnnotations(Map.of(
        "cert-manager.io/cluster-issuer", "letsencrypt",
        "nginx.ingress.kubernetes.io/ssl-redirect", "true")), PlanSettings.defaults()))
        .isEmpty();
    assertThat(problems(withAnnotations(Map.of(
        "nginx.ingress.kubernetes.io/auth-url", "http://10.0.0.1/")), PlanSettings.defaults()))
        .containsExactly("spec.ingress.annotations: 'nginx.ingress.kubernetes.io/auth-url' is"
            + " not allowed by the operator's settings; allowed keys: cert-manager.io/*,"
            + " acme.cert-manager.io/*, nginx.ingress.kubernetes.io/ssl-redirect,"
            + " nginx.ingress.kubernetes.io/force-ssl-redirect");
  }

  @Test
  void snippetAnnotationsAreRefusedWhateverTheSettingsAllow() {
    PlanSettings everything = limits(List.of(), List.of("*"));
    assertThat(problems(withAnnotations(Map.of(
        "nginx.ingress.kubernetes.io/configuration-snippet", "return 200;",
        "nginx.ingress.kubernetes.io/Server-Snippet", "x",
        "example.com/anything", "y")), everything))
        .containsExactly(
            "spec.ingress.annotations: 'nginx.ingress.kubernetes.io/Server-Snippet' is refused:"
                + " annotations whose key contains 'snippet' carry web-server configuration and"
                + " are never copied to the Ingress",
            "spec.ingress.annotations: 'nginx.ingress.kubernetes.io/configuration-snippet' is"
                + " refused: annotations whose key contains 'snippet' carry web-server"
                + " configuration and are never copied to the Ingress");
    assertThatThrownBy(() -> new TenantLimits(List.of(),
        List.of("nginx.ingress.kubernetes.io/server-snippet"), Duration.ofMinutes(1)))
        .hasMessageContaining("always refused");
  }

  @Test
  void aVerificationIntervalBelowTheMinimumIsRefused() {
    assertThat(problems(withInterval("1ms"), PlanSettings.defaults()))
        .containsExactly("spec.verification.interval: 1ms is shorter than the operator's"
            + " minimum of 1m; use 1m or longer, or omit it for the operator's interval");
    assertThat(problems(withInterval("59s"), PlanSettings.defaults())).hasSize(1);
    assertThat(problems(withInterval("1m"), PlanSettings.defaults())).isEmpty();
    assertThat(problems(withInterval("2h"), PlanSettings.defaults())).isEmpty();
  }
}
