package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json turns mistakes in values into an install error that names the value. */
class ValuesSchemaTest {

  static Stream<Arguments> badValues() {
    return Stream.of(
        refused("replicas=-1", "replicas"),
        refused("replicas=1.5", "replicas"),
        refused("replica=2", "replica"),
        refused("config.logFormat=xml", "config.logFormat"),
        refused("config.logLevel=verbose", "config.logLevel"),
        refused("config.verifyInterval=15 minutes", "config.verifyInterval"),
        refused("config.verifyConcurrency=0", "config.verifyConcurrency"),
        refused("config.httpPort=70000", "config.httpPort"),
        refused("config.defaultIssuer=letsencrypt", "config.defaultIssuer"),
        refused("config.dnsServers[0]=dns server", "config.dnsServers"),
        refused("config.verifyTimeout=10s", "config", "verifyTimeout"),
        refused("leaderElection.leaseNamespace=elsewhere", "leaderElection", "leaseNamespace"),
        refused("leaderElection.leaseName=Not_A_Name", "leaderElection.leaseName"),
        refused("rbac.enabled=true", "rbac", "enabled"),
        refused("metrics.port=9090", "metrics", "port"),
        refused("metrics.serviceMonitor.intervall=30s", "metrics.serviceMonitor", "intervall"),
        refused("watchNamespaces[0]=Mail_A", "watchNamespaces"),
        refused("image.pullPolicy=Sometimes", "image.pullPolicy"),
        refused("podDisruptionBudget.maxUnavailable=-1", "podDisruptionBudget.maxUnavailable"),
        refused("podSecurityContext.runAsNonRoot=false", "podSecurityContext.runAsNonRoot"),
        refused("podSecurityContext.runAsUser=0", "podSecurityContext.runAsUser"),
        refused("podSecurityContext.privileged=true", "podSecurityContext", "privileged"),
        refused("podSecurityContext.seccompProfile.type=Unconfined", "podSecurityContext.seccompProfile.type"),
        refused("securityContext.allowPrivilegeEscalation=true", "securityContext.allowPrivilegeEscalation"),
        refused("securityContext.privileged=true", "securityContext.privileged"),
        refused("securityContext.capabilities.drop[0]=NET_RAW", "securityContext.capabilities.drop"),
        refused("securityContext.capabilities.add[0]=SYS_ADMIN", "securityContext.capabilities.add"),
        refused("securityContext.hostNetwork=true", "securityContext", "hostNetwork"),
        refused("config.allowedIngressAnnotations[0]=nginx.ingress.kubernetes.io/server-snippet",
            "config.allowedIngressAnnotations"),
        refused("config.allowedIngressAnnotations[0]=nginx.ingress.kubernetes.io/*-snippet",
            "config.allowedIngressAnnotations"),
        refused("config.allowedImages[0]=my image", "config.allowedImages"),
        refused("config.minVerifyInterval=1 minute", "config.minVerifyInterval"));
  }

  private static Arguments refused(String set, String... named) {
    return Arguments.of(set, List.of(named));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void helmRefusesTheValueAndNamesIt(String set, List<String> named) {
    String error = OperatorChart.renderingError(set);

    assertThat(error).contains("values don't meet the specifications of the schema");
    assertThat(error).contains(named);
  }
}
