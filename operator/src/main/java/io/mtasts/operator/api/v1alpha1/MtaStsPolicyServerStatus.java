package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;

/** What the operator observed of one shared policy server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "readyReplicas", "policiesReferencing", "policiesServed",
    "conditions"})
public class MtaStsPolicyServerStatus {

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Server pods the Deployment reports ready.")
  private Integer readyReplicas;

  @JsonPropertyDescription("MtaStsPolicy resources whose spec.server.ref names this server.")
  private Integer policiesReferencing;

  @JsonPropertyDescription("MtaStsPolicy resources whose advertised policy id this server was"
      + " found serving: status.shared names it and carries the advertised id.")
  private Integer policiesServed;

  @JsonPropertyDescription("Ready: every replica ready; False with the reason otherwise.")
  private List<Condition> conditions;

  /** The condition of the given type, if present. */
  public Optional<Condition> condition(String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getPoliciesReferencing() {
    return policiesReferencing;
  }

  public void setPoliciesReferencing(Integer policiesReferencing) {
    this.policiesReferencing = policiesReferencing;
  }

  public Integer getPoliciesServed() {
    return policiesServed;
  }

  public void setPoliciesServed(Integer policiesServed) {
    this.policiesServed = policiesServed;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
