package io.mtasts.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtasts.operator.api.v1alpha1.IssuerKind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Configuration from the environment and flags, and the errors a bad value gets. */
class OperatorConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    OperatorConfig c = OperatorConfig.from(Map.of(), Map.of());
    assertThat(c.watchNamespaces()).isEmpty();
    assertThat(c.leaderElection()).isTrue();
    assertThat(c.leaseName()).isEqualTo("mta-sts-operator");
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.webServerImage()).isEqualTo("nginxinc/nginx-unprivileged:1.29-alpine");
    assertThat(c.verifyInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.verifyConcurrency()).isEqualTo(8);
    assertThat(c.allowPrivate()).isFalse();
    assertThat(c.logFormat()).isEqualTo("text");
    assertThat(c.defaultIssuer()).isEmpty();
  }

  @Test
  void environmentIsReadAndFlagsWin() {
    OperatorConfig c = OperatorConfig.from(
        Map.of("MTASTS_WATCH_NAMESPACES", "mail, web", "MTASTS_HTTP_PORT", "9090",
            "MTASTS_DEFAULT_ISSUER", "ClusterIssuer/letsencrypt", "POD_NAME", "op-0",
            "POD_NAMESPACE", "ops", "MTASTS_DNS_SERVERS", "10.0.0.10,[::1]:5353"),
        Map.of("MTASTS_HTTP_PORT", "9443", "MTASTS_LOG_FORMAT", "json"));
    assertThat(c.watchNamespaces()).isEqualTo(Set.of("mail", "web"));
    assertThat(c.httpPort()).isEqualTo(9443);
    assertThat(c.logFormat()).isEqualTo("json");
    assertThat(c.identity()).contains("op-0");
    assertThat(c.leaseNamespace()).contains("ops");
    assertThat(c.defaultIssuer()).hasValueSatisfying(i -> {
      assertThat(i.getName()).isEqualTo("letsencrypt");
      assertThat(i.getKind()).isEqualTo(IssuerKind.CLUSTER_ISSUER);
    });
    assertThat(c.dnsServers()).containsExactly("10.0.0.10", "[::1]:5353");
    assertThat(c.reconcilerSettings().defaultIssuer()).isEqualTo(c.defaultIssuer());
  }

  @Test
  void everyBadValueIsNamedWithWhatIsAllowed() {
    assertThatThrownBy(() -> OperatorConfig.from(Map.of(
            "MTASTS_HTTP_PORT", "http",
            "MTASTS_LEADER_ELECTION", "yes",
            "MTASTS_VERIFY_INTERVAL", "10s",
            "MTASTS_DEFAULT_ISSUER", "letsencrypt",
            "MTASTS_WATCH_NAMESPACES", "Mail"),
        Map.of()))
        .isInstanceOf(OperatorConfig.InvalidConfigException.class)
        .hasMessageContaining("MTASTS_HTTP_PORT='http' is invalid: expected a port number")
        .hasMessageContaining("MTASTS_LEADER_ELECTION='yes' is invalid: expected true or false")
        .hasMessageContaining("MTASTS_VERIFY_INTERVAL='10s' is invalid: expected a duration of"
            + " at least 30s")
        .hasMessageContaining("MTASTS_DEFAULT_ISSUER='letsencrypt' is invalid: expected empty,"
            + " or Kind/name")
        .hasMessageContaining("MTASTS_WATCH_NAMESPACES='Mail' is invalid");
  }

  @Test
  void aMissingCaFileIsRefusedAtStartNotAtTheFirstVerification() {
    assertThatThrownBy(() -> OperatorConfig.from(
            Map.of("MTASTS_CA_FILE", "/nonexistent/ca.pem"), Map.of()))
        .hasMessageContaining("MTASTS_CA_FILE='/nonexistent/ca.pem' is invalid");
    assertThat(OperatorConfig.from(Map.of("MTASTS_CA_FILE", ""), Map.of()).caFile())
        .isEqualTo(Optional.empty());
  }

  @Test
  void theTenantLimitsDefaultToTheSecureOnes() {
    var limits = OperatorConfig.from(Map.of(), Map.of()).reconcilerSettings().plan().limits();
    assertThat(limits.allowedImages()).isEmpty();
    assertThat(limits.allowedIngressAnnotations()).containsExactly("cert-manager.io/*",
        "acme.cert-manager.io/*", "nginx.ingress.kubernetes.io/ssl-redirect",
        "nginx.ingress.kubernetes.io/force-ssl-redirect");
    assertThat(limits.minVerifyInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theTenantLimitsAreReadFromTheEnvironmentAndFlags() {
    OperatorConfig c = OperatorConfig.from(
        Map.of("MTASTS_ALLOWED_IMAGES", "registry.example.com/mirror/, nginx:1.29",
            "MTASTS_ALLOWED_INGRESS_ANNOTATIONS", "cert-manager.io/*"),
        Map.of("MTASTS_MIN_VERIFY_INTERVAL", "5m"));
    var limits = c.planSettings().limits();
    assertThat(limits.allowedImages()).containsExactly("registry.example.com/mirror/",
        "nginx:1.29");
    assertThat(limits.allowedIngressAnnotations()).containsExactly("cert-manager.io/*");
    assertThat(limits.minVerifyInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void badTenantLimitsAreNamedTogether() {
    assertThatThrownBy(() -> OperatorConfig.from(Map.of(
            "MTASTS_ALLOWED_INGRESS_ANNOTATIONS", "cert-manager.io/*,*-snippet",
            "MTASTS_ALLOWED_IMAGES", "a,,b c",
            "MTASTS_MIN_VERIFY_INTERVAL", "1ms"),
        Map.of()))
        .isInstanceOf(OperatorConfig.InvalidConfigException.class)
        .hasMessageContaining("MTASTS_ALLOWED_INGRESS_ANNOTATIONS='cert-manager.io/*,*-snippet'"
            + " is invalid: expected a comma-separated list of annotation keys or prefixes"
            + " ending in *; keys containing 'snippet' are always refused")
        .hasMessageContaining("MTASTS_ALLOWED_IMAGES='a,,b c' is invalid")
        .hasMessageContaining("MTASTS_MIN_VERIFY_INTERVAL='1ms' is invalid: expected a"
            + " duration of at least 1s");
  }

  @Test
  void theDefaultIntervalMayNotBeShorterThanTheMinimum() {
    assertThatThrownBy(() -> OperatorConfig.from(Map.of(
            "MTASTS_VERIFY_INTERVAL", "5m", "MTASTS_MIN_VERIFY_INTERVAL", "10m"), Map.of()))
        .hasMessageContaining("MTASTS_VERIFY_INTERVAL='5m' is shorter than"
            + " MTASTS_MIN_VERIFY_INTERVAL='10m'");
  }

  @Test
  void theProbeContactsLoopbackAddressesOnlyWhenAllowed() {
    assertThat(OperatorConfig.from(Map.of(), Map.of()).probeAllowLoopback()).isFalse();
    assertThat(OperatorConfig.from(Map.of("MTASTS_PROBE_ALLOW_LOOPBACK", "true"), Map.of())
        .probeAllowLoopback()).isTrue();
    assertThatThrownBy(() -> OperatorConfig.from(
            Map.of("MTASTS_PROBE_ALLOW_LOOPBACK", "yes"), Map.of()))
        .hasMessageContaining("MTASTS_PROBE_ALLOW_LOOPBACK='yes' is invalid: expected true or"
            + " false");
  }
}
