package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Map;

/**
 * The policy web server: nginx serving the mounted ConfigMap, with the restricted pod security
 * profile. A checksum of the policy and server configuration on the pod template makes every
 * policy change roll the pods.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildNames.SELECTOR))
public class PolicyDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, MtaStsPolicy> {

  public static final String CHECKSUM_ANNOTATION = "mtasts.io/config-checksum";
  /** The uid and gid of the unprivileged nginx image. */
  static final long WEB_SERVER_UID = 101;

  public PolicyDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(MtaStsPolicy primary, Context<MtaStsPolicy> context) {
    return desiredFor(ReconcileScope.from(context).plan());
  }

  static Deployment desiredFor(PolicyPlan plan) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(plan.childName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .endMetadata()
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
}
