package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** The shared policy server ({@code MtaStsPolicyServer}) that serves a policy instead of its own. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyServerRef {

  @Required
  @Pattern(SpecConstraints.OBJECT_NAME)
  @Size(max = SpecConstraints.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription("Name of the MtaStsPolicyServer.")
  private String name;

  @Pattern(SpecConstraints.NAMESPACE)
  @Size(max = 63)
  @JsonPropertyDescription(
      "Namespace of the MtaStsPolicyServer; empty means the policy's own namespace.")
  private String namespace;

  public PolicyServerRef() {}

  public PolicyServerRef(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }

  /** The server's namespace, defaulting to the referring policy's. */
  public String effectiveNamespace(String policyNamespace) {
    return namespace != null && !namespace.isBlank() ? namespace : policyNamespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyServerRef other
        && Objects.equals(name, other.name)
        && Objects.equals(namespace, other.namespace);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, namespace);
  }

  @Override
  public String toString() {
    return "PolicyServerRef{name=" + name + ", namespace=" + namespace + "}";
  }
}
