package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.render;
import static io.mtasts.operator.chart.OperatorChart.renderingError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator Deployment: how its pod is secured, configured, probed and scheduled. */
class OperatorDeploymentTest {

  static Stream<Arguments> defaultsAndEveryKnob() {
    return Stream.of(
        Arguments.of("defaults", render()),
        Arguments.of("every knob", render(OperatorChart.everyKnobValues())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaultsAndEveryKnob")
  void thePodMeetsTheRestrictedPodSecurityStandard(String values, RenderedChart chart) {
    PodSpec pod = podOf(chart);
    PodSecurityContext podSecurity = pod.getSecurityContext();
    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    assertThat(podSecurity.getRunAsUser()).isNotNull().isNotZero();
    assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(volume.getHostPath()).isNull());

    SecurityContext container = operatorContainer(chart).getSecurityContext();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isEmpty();
    assertThat(container.getRunAsNonRoot()).isTrue();
    assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaultsAndEveryKnob")
  void theReadOnlyRootFileSystemLeavesAWritableTmp(String values, RenderedChart chart) {
    VolumeMount tmp = mountAt(chart, "/tmp");
    assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(volume(chart, tmp.getName()).getEmptyDir()).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaultsAndEveryKnob")
  void theContainerHasAMemoryLimitForTheJvmToSizeItsHeapFrom(String values, RenderedChart chart) {
    Map<String, Quantity> limits = operatorContainer(chart).getResources().getLimits();
    assertThat(limits).containsKey("memory");
  }

  @Test
  void probesAskTheOperatorsHealthEndpointsOnItsHttpPort() {
    Container container = operatorContainer(render());

    assertThat(container.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getContainerPort()).isEqualTo(8080);
    });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void changingTheHttpPortMovesTheContainerPortAndTellsTheOperator() {
    Container container = operatorContainer(render("config.httpPort=9090"));

    assertThat(container.getPorts()).singleElement()
        .satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(9090));
    assertThat(settings(container)).containsEntry("MTASTS_HTTP_PORT", "9090");
  }

  @Test
  void theDefaultsReachTheOperatorAsEnvironmentVariables() {
    Container container = operatorContainer(render());

    assertThat(settings(container)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        entry("MTASTS_WATCH_NAMESPACES", ""),
        entry("MTASTS_LEADER_ELECTION", "true"),
        entry("MTASTS_LEASE_NAMESPACE", NAMESPACE),
        entry("MTASTS_LEASE_NAME", "mta-sts-operator"),
        entry("MTASTS_HTTP_PORT", "8080"),
        entry("MTASTS_HTTP_ADDRESS", "0.0.0.0"),
        entry("MTASTS_WEB_SERVER_IMAGE", "nginxinc/nginx-unprivileged:1.29-alpine"),
        entry("MTASTS_INGRESS_CLASS", ""),
        entry("MTASTS_DEFAULT_ISSUER", ""),
        entry("MTASTS_VERIFY_INTERVAL", "15m"),
        entry("MTASTS_VERIFY_CONCURRENCY", "8"),
        entry("MTASTS_DNS_SERVERS", ""),
        entry("MTASTS_ALLOW_PRIVATE", "false"),
        entry("MTASTS_LOG_FORMAT", "text"),
        entry("MTASTS_LOG_LEVEL", "INFO"),
        entry("MTASTS_ALLOWED_IMAGES", ""),
        entry("MTASTS_ALLOWED_INGRESS_ANNOTATIONS", "cert-manager.io/*,acme.cert-manager.io/*,"
            + "nginx.ingress.kubernetes.io/ssl-redirect,"
            + "nginx.ingress.kubernetes.io/force-ssl-redirect"),
        entry("MTASTS_MIN_VERIFY_INTERVAL", "1m"),
        entry("MTASTS_SERVER_IMAGE", "ghcr.io/mtasts/mta-sts-operator:0.1.0"),
        entry("MTASTS_GATEWAY_API", "false"),
        entry("MTASTS_DEFAULT_EXPOSURE", "Ingress"),
        entry("MTASTS_DEFAULT_GATEWAY", ""),
        entry("MTASTS_DEFAULT_GATEWAY_LISTENER", "ListenerSet"),
        entry("MTASTS_DEFAULT_GATEWAY_SECTION", ""),
        entry("MTASTS_RETIREMENT_MAX_HOLD", "")));
  }

  @Test
  void everyValueReachesTheOperatorAsAnEnvironmentVariable() {
    Container container = operatorContainer(render(OperatorChart.everyKnobValues()));

    assertThat(settings(container)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        entry("MTASTS_WATCH_NAMESPACES", "mail-a,mail-b"),
        entry("MTASTS_LEADER_ELECTION", "true"),
        entry("MTASTS_LEASE_NAMESPACE", NAMESPACE),
        entry("MTASTS_LEASE_NAME", "mail-policies-leader"),
        entry("MTASTS_HTTP_PORT", "9090"),
        entry("MTASTS_HTTP_ADDRESS", "10.1.2.3"),
        entry("MTASTS_WEB_SERVER_IMAGE", "registry.example.com/mirror/nginx-unprivileged:1.29-alpine"),
        entry("MTASTS_INGRESS_CLASS", "nginx-public"),
        entry("MTASTS_DEFAULT_ISSUER", "ClusterIssuer/letsencrypt"),
        entry("MTASTS_VERIFY_INTERVAL", "1h30m"),
        entry("MTASTS_VERIFY_CONCURRENCY", "16"),
        entry("MTASTS_DNS_SERVERS", "10.0.0.53,resolver.example.net:5353,[2001:db8::53]:53"),
        entry("MTASTS_CA_FILE", "/etc/mta-sts-operator/ca/ca-bundle.pem"),
        entry("MTASTS_ALLOW_PRIVATE", "true"),
        entry("MTASTS_LOG_FORMAT", "json"),
        entry("MTASTS_LOG_LEVEL", "DEBUG"),
        entry("MTASTS_ALLOWED_IMAGES", "registry.example.com/mirror/,nginx:1.29-alpine"),
        entry("MTASTS_ALLOWED_INGRESS_ANNOTATIONS", "cert-manager.io/*,traefik.ingress.kubernetes.io/router.tls"),
        entry("MTASTS_MIN_VERIFY_INTERVAL", "5m"),
        entry("MTASTS_SERVER_IMAGE", "registry.example.com/platform/mta-sts-operator@sha256:"
            + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        entry("MTASTS_GATEWAY_API", "true"),
        entry("MTASTS_DEFAULT_EXPOSURE", "Gateway"),
        entry("MTASTS_DEFAULT_GATEWAY", "gateway-system/public"),
        entry("MTASTS_DEFAULT_GATEWAY_LISTENER", "HostListener"),
        entry("MTASTS_DEFAULT_GATEWAY_SECTION", "mta-sts-hosts"),
        entry("MTASTS_RETIREMENT_MAX_HOLD", "24h")));
    assertThat(environment(container)).containsEntry("JAVA_TOOL_OPTIONS", "-Xss512k");
  }

  @Test
  void theGracePeriodLetsReconcilesFinishAndTheLeaseBeReleased() {
    long grace = render().one(Deployment.class).getSpec().getTemplate().getSpec()
        .getTerminationGracePeriodSeconds();

    assertThat(grace).isEqualTo(20)
        .isGreaterThan(OperatorRuntime.RECONCILE_TERMINATION_TIMEOUT.toSeconds());
    assertThat(render("terminationGracePeriodSeconds=60").one(Deployment.class).getSpec()
        .getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(60);
    assertThat(renderingError("terminationGracePeriodSeconds=5"))
        .contains("terminationGracePeriodSeconds");
  }

  @Test
  void everyVariableTheReadmeSaysTheChartSetsIsSet() throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("mtasts.repoRoot"),
        "README.md"));
    String section = readme.substring(readme.indexOf("## Configuration reference"));
    section = section.substring(0, section.indexOf("\n## ", 1));
    Set<String> documented = new TreeSet<>();
    // a row that says "not a chart value" documents a setting for runs outside the chart
    Set<String> notInChart = new TreeSet<>();
    for (String line : section.lines().toList()) {
      Matcher name = Pattern.compile("`((?:MTASTS|POD)_[A-Z_]+)`").matcher(line);
      while (name.find()) {
        (line.contains("not a chart value") ? notInChart : documented).add(name.group(1));
      }
    }
    // the every-knob values configure a CA bundle, without which MTASTS_CA_FILE stays unset
    Set<String> set = operatorContainer(render(OperatorChart.everyKnobValues())).getEnv().stream()
        .map(EnvVar::getName).collect(Collectors.toSet());

    assertThat(documented).contains("MTASTS_HTTP_ADDRESS", "POD_NAME");
    assertThat(set).containsAll(documented);
    assertThat(set).doesNotContainAnyElementsOf(notInChart);
  }

  @Test
  void leaderElectionCanBeSwitchedOff() {
    assertThat(settings(operatorContainer(render("leaderElection.enabled=false"))))
        .containsEntry("MTASTS_LEADER_ELECTION", "false");
  }

  @Test
  void thePodKnowsItsOwnNameAndNamespace() {
    Map<String, String> fieldRefs = operatorContainer(render()).getEnv().stream()
        .filter(env -> env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null)
        .collect(Collectors.toMap(EnvVar::getName, env -> env.getValueFrom().getFieldRef().getFieldPath()));

    assertThat(fieldRefs).containsExactlyInAnyOrderEntriesOf(Map.of(
        "POD_NAME", "metadata.name",
        "POD_NAMESPACE", "metadata.namespace"));
  }

  @Test
  void aCaBundleFromASecretIsMountedReadOnlyWhereTheOperatorLooksForIt() {
    RenderedChart chart = render("caBundle.secret.name=corporate-ca", "caBundle.secret.key=root.pem");

    String caFile = settings(operatorContainer(chart)).get("MTASTS_CA_FILE");
    assertThat(caFile).as("MTASTS_CA_FILE").startsWith("/");
    VolumeMount mount = mountAt(chart, parentOf(caFile));
    assertThat(mount.getReadOnly()).isTrue();
    Volume volume = volume(chart, mount.getName());
    assertThat(volume.getSecret().getSecretName()).isEqualTo("corporate-ca");
    assertThat(volume.getSecret().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getKey()).isEqualTo("root.pem");
      assertThat(item.getPath()).isEqualTo(fileNameOf(caFile));
    });
  }

  @Test
  void aCaBundleFromAConfigMapIsMountedReadOnlyWhereTheOperatorLooksForIt() {
    RenderedChart chart = render("caBundle.configMap.name=trust-bundle");

    String caFile = settings(operatorContainer(chart)).get("MTASTS_CA_FILE");
    assertThat(caFile).as("MTASTS_CA_FILE").startsWith("/");
    VolumeMount mount = mountAt(chart, parentOf(caFile));
    assertThat(mount.getReadOnly()).isTrue();
    Volume volume = volume(chart, mount.getName());
    assertThat(volume.getConfigMap().getName()).isEqualTo("trust-bundle");
    assertThat(volume.getConfigMap().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getKey()).isEqualTo("ca.crt");
      assertThat(item.getPath()).isEqualTo(fileNameOf(caFile));
    });
  }

  @Test
  void withoutACaBundleNothingIsMountedAndNoCaFileIsSet() {
    RenderedChart chart = render();

    assertThat(environment(operatorContainer(chart))).doesNotContainKey("MTASTS_CA_FILE");
    assertThat(operatorContainer(chart).getVolumeMounts()).extracting(VolumeMount::getMountPath)
        .containsExactly("/tmp");
  }

  @Test
  void aCaBundleFromBothASecretAndAConfigMapIsRefused() {
    assertThat(renderingError("caBundle.secret.name=a", "caBundle.configMap.name=b"))
        .contains("caBundle.secret.name or caBundle.configMap.name, not both");
  }

  @Test
  void theImageDefaultsToTheChartsAppVersion() {
    Container container = operatorContainer(render());

    assertThat(container.getImage()).isEqualTo("ghcr.io/mtasts/mta-sts-operator:0.1.0");
    assertThat(container.getArgs()).containsExactly("run");
  }

  @Test
  void anImageTagOrDigestCanBePinned() {
    assertThat(operatorContainer(render("image.tag=0.2.0")).getImage())
        .isEqualTo("ghcr.io/mtasts/mta-sts-operator:0.2.0");
    assertThat(operatorContainer(render(OperatorChart.everyKnobValues())).getImage())
        .isEqualTo("registry.example.com/platform/mta-sts-operator@sha256:"
            + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  }

  @Test
  void schedulingAndPodMetadataValuesAreCopiedToThePod() {
    Deployment deployment = render(OperatorChart.everyKnobValues()).one(Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(pod.getNodeSelector()).containsExactly(entry("kubernetes.io/os", "linux"));
    assertThat(pod.getTolerations()).singleElement()
        .satisfies(toleration -> assertThat(toleration.getKey()).isEqualTo("dedicated"));
    assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()).hasSize(1);
    assertThat(pod.getImagePullSecrets()).singleElement()
        .satisfies(secret -> assertThat(secret.getName()).isEqualTo("registry-credentials"));
    assertThat(pod.getPriorityClassName()).isEqualTo("platform-critical");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "platform-team");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "platform");
  }

  @Test
  void podLabelsCannotDetachThePodsFromTheirDeployment() {
    Deployment deployment = render(OperatorChart.everyKnobValues()).one(Deployment.class);

    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void aTopologySpreadConstraintWithoutSelectorSpreadsTheOperatorPods() {
    Deployment deployment = render(OperatorChart.everyKnobValues()).one(Deployment.class);

    assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement()
        .satisfies(constraint -> {
          assertThat(constraint.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
          assertThat(constraint.getLabelSelector().getMatchLabels())
              .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        });
  }

  @Test
  void aSingleReplicaGetsNoPodDisruptionBudget() {
    assertThat(render().all(PodDisruptionBudget.class)).isEmpty();
    assertThat(render("replicas=0").all(PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void severalReplicasGetAPodDisruptionBudgetForTheirPods() {
    RenderedChart chart = render("replicas=2");

    PodDisruptionBudget budget = chart.one(PodDisruptionBudget.class);
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getMinAvailable()).isNull();
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void thePodDisruptionBudgetCanRequireAMinimumOfAvailablePods() {
    PodDisruptionBudget budget = render(OperatorChart.everyKnobValues()).one(PodDisruptionBudget.class);

    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
    assertThat(budget.getSpec().getMaxUnavailable()).isNull();
  }

  @Test
  void thePodDisruptionBudgetCanBeSwitchedOff() {
    assertThat(render("replicas=2", "podDisruptionBudget.enabled=false").all(PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void severalReplicasWithoutLeaderElectionAreRefused() {
    assertThat(renderingError("replicas=2", "leaderElection.enabled=false"))
        .contains("replicas > 1 needs leaderElection.enabled=true");
  }

  private static PodSpec podOf(RenderedChart chart) {
    return chart.one(Deployment.class).getSpec().getTemplate().getSpec();
  }

  static Container operatorContainer(RenderedChart chart) {
    return podOf(chart).getContainers().stream()
        .filter(container -> container.getName().equals("operator"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named operator"));
  }

  /** Plain-value environment variables of the container. */
  private static Map<String, String> environment(Container container) {
    Map<String, String> environment = new LinkedHashMap<>();
    container.getEnv().stream()
        .filter(env -> env.getValueFrom() == null)
        .forEach(env -> environment.put(env.getName(), env.getValue() == null ? "" : env.getValue()));
    return environment;
  }

  /** The operator's own settings: the MTASTS_* environment variables. */
  private static Map<String, String> settings(Container container) {
    Map<String, String> settings = new LinkedHashMap<>(environment(container));
    settings.keySet().removeIf(name -> !name.startsWith("MTASTS_"));
    return settings;
  }

  private static VolumeMount mountAt(RenderedChart chart, String path) {
    return operatorContainer(chart).getVolumeMounts().stream()
        .filter(mount -> mount.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing is mounted at " + path));
  }

  private static Volume volume(RenderedChart chart, String name) {
    return podOf(chart).getVolumes().stream()
        .filter(volume -> volume.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume named " + name));
  }

  private static String parentOf(String file) {
    return Path.of(file).getParent().toString();
  }

  private static String fileNameOf(String file) {
    return Path.of(file).getFileName().toString();
  }
}
