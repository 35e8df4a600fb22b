package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** The cert-manager issuer that signs the policy host's certificate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IssuerRef {

  @Required
  @JsonPropertyDescription("Name of the cert-manager Issuer or ClusterIssuer.")
  private String name;

  @Default(SpecDefaults.ISSUER_KIND)
  @JsonPropertyDescription("Issuer or ClusterIssuer.")
  private IssuerKind kind;

  @Default(SpecDefaults.ISSUER_GROUP)
  @JsonPropertyDescription("API group of the issuer; cert-manager.io unless an external issuer.")
  private String group;

  public IssuerRef() {}

  public IssuerRef(String name, IssuerKind kind, String group) {
    this.name = name;
    this.kind = kind;
    this.group = group;
  }

  /** The kind, or the default when the CR did not pass through the API server's defaulting. */
  public IssuerKind effectiveKind() {
    return kind != null ? kind : IssuerKind.fromValue(SpecDefaults.ISSUER_KIND);
  }

  public String effectiveGroup() {
    return group != null ? group : SpecDefaults.ISSUER_GROUP;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public IssuerKind getKind() {
    return kind;
  }

  public void setKind(IssuerKind kind) {
    this.kind = kind;
  }

  public String getGroup() {
    return group;
  }

  public void setGroup(String group) {
    this.group = group;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IssuerRef other
        && Objects.equals(name, other.name)
        && kind == other.kind
        && Objects.equals(group, other.group);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, group);
  }

  @Override
  public String toString() {
    return "IssuerRef{name=" + name + ", kind=" + kind + ", group=" + group + "}";
  }
}
