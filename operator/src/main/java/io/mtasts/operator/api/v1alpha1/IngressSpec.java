package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.Objects;

/** What the operator passes through, unchanged, to the policy host's Ingress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressSpec {

  @JsonPropertyDescription(
      "IngressClass of the policy host's Ingress; empty means the operator's configured default.")
  private String className;

  @JsonPropertyDescription(
      "Annotations added to the Ingress, for example for the ingress controller.")
  private Map<String, String> annotations;

  @JsonPropertyDescription("Labels added to the Ingress, for example to match an ingress shard.")
  private Map<String, String> labels;

  public String getClassName() {
    return className;
  }

  public void setClassName(String className) {
    this.className = className;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IngressSpec other
        && Objects.equals(className, other.className)
        && Objects.equals(annotations, other.annotations)
        && Objects.equals(labels, other.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(className, annotations, labels);
  }

  @Override
  public String toString() {
    return "IngressSpec{className="
        + className
        + ", annotations="
        + annotations
        + ", labels="
        + labels
        + "}";
  }
}
