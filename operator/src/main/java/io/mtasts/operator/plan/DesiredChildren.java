package io.mtasts.operator.plan;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The children the operator creates for a plan. The dependents apply exactly these objects and
 * {@code render} prints them, so what a user previews without a cluster is what the operator
 * writes.
 */
public final class DesiredChildren {

  public static final String CHECKSUM_ANNOTATION = "mtasts.io/config-checksum";
  /** The port of the Service in front of the web server. */
  public static final int SERVICE_PORT = 80;
  /** The Service port's name, which its EndpointSlices' ports carry too. */
  public static final String SERVICE_PORT_NAME = "http";
  /** The uid and gid of the unprivileged nginx image. */
  static final long WEB_SERVER_UID = 101;
  static final long DNS_TTL_SECONDS = 300;

  private DesiredChildren() {}

  /** Every child the plan asks for, in {@link ChildKind} order. */
  public static List<HasMetadata> of(PolicyPlan plan) {
    return Arrays.stream(ChildKind.values())
        .filter(kind -> kind.isWantedBy(plan))
        .map(kind -> kind.desired(plan))
        .toList();
  }

  /** The canonical policy bytes and the web server's configuration. */
  public static ConfigMap configMap(PolicyPlan plan) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(plan))
        .withData(Map.of(
            WebServerConfig.POLICY_KEY, plan.policyText(),
            WebServerConfig.CONFIG_KEY, plan.webServerConfig()))
        .build();
  }

  /**
   * The policy web server: nginx serving the mounted ConfigMap, with the restricted pod security
   * profile. A checksum of the policy and server configuration on the pod template makes every
   * policy change roll the pods.
   */
  public static Deployment deployment(PolicyPlan plan) {
    return new DeploymentBuilder()
        .withMetadata(metadata(plan))
        .withNewSpec()
        .withReplicas(plan.replicas())
        .withNewSelector()
        .withMatchLabels(plan.labels())
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        // never fewer serving pods than asked for while the policy changes
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(plan.labels())
        .withAnnotations(Map.of(CHECKSUM_ANNOTATION, plan.podChecksum()))
        .endMetadata()
        .withSpec(podSpec(plan))
        .endTemplate()
        .endSpec()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.PodSpec podSpec(PolicyPlan plan) {
    return new PodSpecBuilder()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(WEB_SERVER_UID)
        .withRunAsGroup(WEB_SERVER_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addToContainers(new ContainerBuilder()
            .withName("web")
            .withImage(plan.image())
            .withCommand("nginx", "-c",
                WebServerConfig.CONFIG_DIR + "/" + WebServerConfig.CONFIG_KEY)
            .addNewPort()
            .withName("http")
            .withContainerPort(WebServerConfig.PORT)
            .withProtocol("TCP")
            .endPort()
            .withReadinessProbe(healthProbe(5, 3))
            .withLivenessProbe(healthProbe(10, 3))
            .withResources(plan.resources() != null ? plan.resources() : defaultResources())
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .addNewVolumeMount()
            .withName("config")
            .withMountPath(WebServerConfig.CONFIG_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath(WebServerConfig.TEMP_DIR)
            .endVolumeMount()
            .build())
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName(plan.childName())
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withMedium("Memory")
        .withSizeLimit(new Quantity("16Mi"))
        .endEmptyDir()
        .endVolume()
        .build();
  }

  private static Probe healthProbe(int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(WebServerConfig.HEALTH_PATH)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("16Mi")))
        .withLimits(Map.of("cpu", new Quantity("200m"), "memory", new Quantity("64Mi")))
        .build();
  }

  /** The ClusterIP Service in front of the policy web server pods. */
  public static Service service(PolicyPlan plan) {
    return new ServiceBuilder()
        .withMetadata(metadata(plan))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(plan.labels())
        .addNewPort()
        .withName(SERVICE_PORT_NAME)
        .withProtocol("TCP")
        .withPort(SERVICE_PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * The Ingress for {@code mta-sts.<domain>}: TLS with the policy host's Secret and one exact
   * path, so the ingress controller itself answers 404 for anything else.
   */
  public static Ingress ingress(PolicyPlan plan) {
    Map<String, String> labels = new LinkedHashMap<>(plan.ingressLabels());
    labels.putAll(plan.labels());
    return new IngressBuilder()
        .withNewMetadata()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(labels)
        .withAnnotations(new LinkedHashMap<>(plan.ingressAnnotations()))
        .endMetadata()
        .withNewSpec()
        .withIngressClassName(plan.ingressClass().isEmpty() ? null : plan.ingressClass())
        .addNewTl()
        .withHosts(plan.policyHost())
        .withSecretName(plan.tlsSecretName())
        .endTl()
        .addNewRule()
        .withHost(plan.policyHost())
        .withNewHttp()
        .addNewPath()
        .withPath(WebServerConfig.POLICY_PATH)
        .withPathType("Exact")
        .withNewBackend()
        .withNewService()
        .withName(plan.childName())
        .withNewPort()
        .withNumber(SERVICE_PORT)
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  /**
   * The cert-manager Certificate for exactly {@code mta-sts.<domain>}, written to the Secret the
   * Ingress uses.
   */
  public static Certificate certificate(PolicyPlan plan) {
    IssuerRef issuer = plan.issuer().orElseThrow();
    return new CertificateBuilder()
        .withMetadata(metadata(plan))
        .withNewSpec()
        .withSecretName(plan.tlsSecretName())
        .withDnsNames(plan.policyHost())
        .withNewIssuerRef()
        .withName(issuer.getName())
        .withKind(issuer.effectiveKind().value())
        .withGroup(issuer.effectiveGroup())
        .endIssuerRef()
        .withNewPrivateKey()
        .withRotationPolicy("Always")
        .endPrivateKey()
        .endSpec()
        .build();
  }

  /** The external-dns DNSEndpoint with the domain's TXT records, carrying the given id. */
  public static DNSEndpoint dnsEndpoint(PolicyPlan plan, String advertisedId) {
    DNSEndpoint endpoint = new DNSEndpoint();
    endpoint.setMetadata(metadata(plan));
    endpoint.setSpec(new DNSEndpoint.Spec(plan.dnsRecords(advertisedId).stream()
        .map(r -> new DNSEndpoint.Endpoint(r.name(), "TXT", List.of(r.value()), DNS_TTL_SECONDS))
        .toList()));
    return endpoint;
  }

  /** The name, namespace and labels every child carries. */
  private static ObjectMeta metadata(PolicyPlan plan) {
    return new ObjectMetaBuilder()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .build();
  }
}
