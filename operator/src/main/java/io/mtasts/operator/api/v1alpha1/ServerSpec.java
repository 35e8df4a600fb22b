package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Objects;

/** Per-domain overrides of the web server that serves the policy file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerSpec {

  @Min(SpecConstraints.SERVER_REPLICAS_MIN)
  @Max(SpecConstraints.SERVER_REPLICAS_MAX)
  @Default(SpecDefaults.SERVER_REPLICAS_TEXT)
  @JsonPropertyDescription("Number of web-server pods.")
  private Integer replicas;

  @JsonPropertyDescription("Web-server image; empty means the operator's configured default.")
  private String image;

  @JsonPropertyDescription("Resource requests and limits of the web-server container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription(
      "A shared MtaStsPolicyServer to serve this policy; with it the policy gets no web server"
          + " Deployment or Service of its own, and image and resources must be left empty.")
  private PolicyServerRef ref;

  /** The replica count, or the default when the CR did not pass through defaulting. */
  public int effectiveReplicas() {
    return replicas != null ? replicas : SpecDefaults.SERVER_REPLICAS;
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

  public PolicyServerRef getRef() {
    return ref;
  }

  public void setRef(PolicyServerRef ref) {
    this.ref = ref;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerSpec other
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(image, other.image)
        && Objects.equals(resources, other.resources)
        && Objects.equals(ref, other.ref);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replicas, image, resources, ref);
  }

  @Override
  public String toString() {
    return "ServerSpec{replicas="
        + replicas
        + ", image="
        + image
        + ", resources="
        + resources
        + ", ref="
        + ref
        + "}";
  }
}
