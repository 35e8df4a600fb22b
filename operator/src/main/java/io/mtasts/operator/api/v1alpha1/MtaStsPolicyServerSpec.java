package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/** The shared policy server's pods and which namespaces' policies it may read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MtaStsPolicyServerSpec {

  public static final int DEFAULT_REPLICAS = 2;
  public static final int MAX_REPLICAS = 50;

  @Min(1)
  @Max(MAX_REPLICAS)
  @Default("2")
  @JsonPropertyDescription("Number of server pods; more than one gets a PodDisruptionBudget.")
  private Integer replicas;

  @JsonPropertyDescription("Server image; empty means the operator's own image"
      + " (MTASTS_SERVER_IMAGE). Other images must be allowed by MTASTS_ALLOWED_IMAGES.")
  private String image;

  @JsonPropertyDescription("Resource requests and limits of the server container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the server pods must run on.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the server pods.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity rules of the server pods.")
  private Affinity affinity;

  @JsonPropertyDescription("Topology spread constraints of the server pods; one without a"
      + " labelSelector selects this server's pods.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription("Namespaces whose MtaStsPolicy resources the server may read (a Role"
      + " in each); empty means every namespace (a ClusterRole), which needs an operator that"
      + " watches all namespaces.")
  private List<String> namespaces;

  @JsonPropertyDescription("Namespaces whose MtaStsPolicy resources may name this server in"
      + " spec.server.ref; empty means only the server's own namespace, and \"*\" any"
      + " namespace. A policy elsewhere is refused (Ready=False, NamespaceNotAllowed).")
  private List<String> policyNamespaces;

  /** The replica count, or the default when the resource did not pass through defaulting. */
  public int effectiveReplicas() {
    return replicas != null ? replicas : DEFAULT_REPLICAS;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(List<TopologySpreadConstraint> constraints) {
    this.topologySpreadConstraints = constraints;
  }

  public List<String> getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  public List<String> getPolicyNamespaces() {
    return policyNamespaces;
  }

  public void setPolicyNamespaces(List<String> policyNamespaces) {
    this.policyNamespaces = policyNamespaces;
  }
}
