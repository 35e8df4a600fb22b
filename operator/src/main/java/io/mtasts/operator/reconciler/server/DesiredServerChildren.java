package io.mtasts.operator.reconciler.server;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The objects a shared server consists of. The server runs the operator's own image as
 * {@code serve --server=<namespace>/<name>} with the restricted pod security profile; its only API
 * access is reading MtaStsPolicy resources, cluster-wide or in the listed namespaces.
 */
public final class DesiredServerChildren {

  /** The port the server answers policy requests on. */
  public static final int HTTP_PORT = 8080;
  /** The port of /healthz, /readyz and /metrics. */
  public static final int MANAGEMENT_PORT = 8081;
  public static final String HTTP_PORT_NAME = "http";
  public static final String MANAGEMENT_PORT_NAME = "management";
  /** The Service port, where Ingresses send policy requests. */
  public static final int SERVICE_PORT = 80;
  public static final String CONTAINER = "server";
  /** The uid and gid the operator image runs as (distroless nonroot). */
  static final long SERVER_UID = 65532;
  /** The only access the server has: reading policies, fed to it by a watch. */
  static final List<String> POLICY_VERBS = List.of("get", "list", "watch");

  private DesiredServerChildren() {}

  static String serverArgument(MtaStsPolicyServer server) {
    return "--server=" + server.getMetadata().getNamespace() + "/"
        + server.getMetadata().getName();
  }

  public static ServiceAccount serviceAccount(MtaStsPolicyServer server) {
    return new ServiceAccountBuilder().withMetadata(owned(server)).build();
  }

  /** The ClusterIP Service in front of the server pods, port 80 to their http port. */
  public static Service service(MtaStsPolicyServer server) {
    return new ServiceBuilder()
        .withMetadata(owned(server))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(ServerChildNames.podLabels(server))
        .addNewPort()
        .withName(HTTP_PORT_NAME)
        .withProtocol("TCP")
        .withPort(SERVICE_PORT)
        .withTargetPort(new IntOrString(HTTP_PORT_NAME))
        .endPort()
        .endSpec()
        .build();
  }

  public static Deployment deployment(MtaStsPolicyServer server, String image) {
    MtaStsPolicyServerSpec spec = server.getSpec();
    Map<String, String> podLabels = ServerChildNames.podLabels(server);
    return new DeploymentBuilder()
        .withMetadata(owned(server))
        .withNewSpec()
        .withReplicas(spec.effectiveReplicas())
        .withNewSelector()
        .withMatchLabels(podLabels)
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        // a new replica is ready only after its first full list, so surging first never
        // lowers the number of pods that answer for every domain
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withSpec(podSpec(server, image, podLabels))
        .endTemplate()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec(
      MtaStsPolicyServer server, String image, Map<String, String> podLabels) {
    MtaStsPolicyServerSpec spec = server.getSpec();
    return new PodSpecBuilder()
        .withServiceAccountName(ServerChildNames.of(server))
        // the server watches policies through the API server with its account's token
        .withAutomountServiceAccountToken(true)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(SERVER_UID)
        .withRunAsGroup(SERVER_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addToContainers(new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(image)
            .withArgs("serve", serverArgument(server))
            .addNewPort()
            .withName(HTTP_PORT_NAME)
            .withContainerPort(HTTP_PORT)
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withName(MANAGEMENT_PORT_NAME)
            .withContainerPort(MANAGEMENT_PORT)
            .withProtocol("TCP")
            .endPort()
            // the JVM needs some seconds before it answers; this keeps liveness from
            // restarting it meanwhile
            .withStartupProbe(probe("/healthz", 2, 60))
            .withLivenessProbe(probe("/healthz", 10, 3))
            .withReadinessProbe(probe("/readyz", 5, 3))
            .withResources(spec.getResources() != null ? spec.getResources()
                : defaultResources())
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .build())
        // the root file system is read-only; the JVM writes its perf data and temporary files here
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withSizeLimit(new Quantity("64Mi"))
        .endEmptyDir()
        .endVolume()
        .withNodeSelector(spec.getNodeSelector())
        .withTolerations(spec.getTolerations())
        .withAffinity(spec.getAffinity())
        .withTopologySpreadConstraints(spread(spec.getTopologySpreadConstraints(), podLabels))
        .build();
  }

  /** A constraint without a labelSelector would select nothing; it gets this server's pods. */
  private static List<TopologySpreadConstraint> spread(
      List<TopologySpreadConstraint> constraints, Map<String, String> podLabels) {
    if (constraints == null) {
      return null;
    }
    List<TopologySpreadConstraint> out = new ArrayList<>();
    for (TopologySpreadConstraint c : constraints) {
      out.add(c.getLabelSelector() != null ? c : new TopologySpreadConstraintBuilder(c)
          .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(podLabels).build())
          .build());
    }
    return out;
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(MANAGEMENT_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
        .withLimits(Map.of("memory", new Quantity("256Mi")))
        .build();
  }

  /** Only with more than one replica: with one it would just block node drains. */
  public static PodDisruptionBudget podDisruptionBudget(MtaStsPolicyServer server) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(owned(server))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(ServerChildNames.podLabels(server))
        .endSelector()
        .endSpec()
        .build();
  }

  /** Read access to every namespace's policies, for a server that lists no namespaces. */
  public static ClusterRole clusterRole(MtaStsPolicyServer server) {
    return new ClusterRoleBuilder()
        .withMetadata(labelled(server, null))
        .withRules(policyReadRule())
        .build();
  }

  public static ClusterRoleBinding clusterRoleBinding(MtaStsPolicyServer server) {
    return new ClusterRoleBindingBuilder()
        .withMetadata(labelled(server, null))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(ServerChildNames.rbac(server))
        .endRoleRef()
        .withSubjects(subject(server))
        .build();
  }

  /** Read access to the policies of one listed namespace. */
  public static Role role(MtaStsPolicyServer server, String namespace) {
    return new RoleBuilder()
        .withMetadata(labelled(server, namespace))
        .withRules(policyReadRule())
        .build();
  }

  public static RoleBinding roleBinding(MtaStsPolicyServer server, String namespace) {
    return new RoleBindingBuilder()
        .withMetadata(labelled(server, namespace))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(ServerChildNames.rbac(server))
        .endRoleRef()
        .withSubjects(subject(server))
        .build();
  }

  /** The RBAC objects: a ClusterRole and binding, or a Role and binding per listed namespace. */
  public static List<HasMetadata> rbac(MtaStsPolicyServer server) {
    List<String> namespaces = server.getSpec().getNamespaces();
    if (namespaces == null || namespaces.isEmpty()) {
      List<HasMetadata> out = new ArrayList<>(List.of(clusterRole(server),
          clusterRoleBinding(server)));
      out.addAll(ReportStoreRbac.objects(server));
      return out;
    }
    List<HasMetadata> out = new ArrayList<>();
    for (String namespace : namespaces.stream().distinct().sorted().toList()) {
      out.add(role(server, namespace));
      out.add(roleBinding(server, namespace));
    }
    out.addAll(ReportStoreRbac.objects(server));
    return out;
  }

  private static PolicyRule policyReadRule() {
    return new PolicyRuleBuilder()
        .withApiGroups(MtaStsPolicy.GROUP)
        .withResources(MtaStsPolicy.PLURAL)
        .withVerbs(POLICY_VERBS)
        .build();
  }

  private static io.fabric8.kubernetes.api.model.rbac.Subject subject(MtaStsPolicyServer server) {
    return new SubjectBuilder()
        .withKind("ServiceAccount")
        .withName(ServerChildNames.of(server))
        .withNamespace(server.getMetadata().getNamespace())
        .build();
  }

  /** Metadata of a namespaced child in the server's namespace, owned by it. */
  private static ObjectMeta owned(MtaStsPolicyServer server) {
    return new ObjectMetaBuilder()
        .withName(ServerChildNames.of(server))
        .withNamespace(server.getMetadata().getNamespace())
        .withLabels(ServerChildNames.labels(server))
        .withOwnerReferences(ownerReference(server))
        .build();
  }

  /**
   * Metadata of an RBAC object: owned by the server in its own namespace; elsewhere, and for
   * cluster-scoped objects, where an owner reference to a namespaced object is invalid, only
   * labelled with its uid and removed by the operator when the server goes.
   */
  private static ObjectMeta labelled(MtaStsPolicyServer server, String namespace) {
    ObjectMetaBuilder meta = new ObjectMetaBuilder()
        .withName(ServerChildNames.rbac(server))
        .withNamespace(namespace)
        .withLabels(ServerChildNames.labels(server));
    if (server.getMetadata().getNamespace().equals(namespace)) {
      meta.withOwnerReferences(ownerReference(server));
    }
    return meta.build();
  }

  private static io.fabric8.kubernetes.api.model.OwnerReference ownerReference(
      MtaStsPolicyServer server) {
    return new OwnerReferenceBuilder()
        .withApiVersion(server.getApiVersion())
        .withKind(server.getKind())
        .withName(server.getMetadata().getName())
        .withUid(server.getMetadata().getUid())
        .withController(true)
        .build();
  }
}
