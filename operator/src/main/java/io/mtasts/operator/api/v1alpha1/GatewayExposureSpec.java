package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * The Gateway the policy host's HTTPRoute attaches to, and which listener terminates TLS for the
 * host.
 */
@ValidationRule(
    // a missing listener is the default, ListenerSet (defaulting runs before validation)
    value = "!has(self.sectionName) || (has(self.listener) && self.listener != 'ListenerSet')",
    message = "spec.exposure.gateway.sectionName names a listener of the Gateway; with listener"
        + " ListenerSet the route attaches to the operator's own ListenerSet instead",
    fieldPath = ".sectionName",
    reason = "FieldValueForbidden")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "namespace", "listener", "sectionName", "port"})
public class GatewayExposureSpec {

  @Required
  @Pattern(SpecConstraints.OBJECT_NAME)
  @Size(max = SpecConstraints.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription("Name of the Gateway (gateway.networking.k8s.io/v1).")
  private String name;

  @Pattern(SpecConstraints.NAMESPACE)
  @Size(max = SpecConstraints.NAMESPACE_MAX_LENGTH)
  @JsonPropertyDescription(
      "Namespace of the Gateway; empty means the MtaStsPolicy's namespace. The Gateway must"
          + " allow routes (and, with listener ListenerSet, ListenerSets) from that namespace.")
  private String namespace;

  @Default(SpecDefaults.GATEWAY_LISTENER)
  @JsonPropertyDescription(
      "ListenerSet: the operator creates a ListenerSet with an HTTPS listener for the policy host"
          + " and its certificate Secret (Gateway API v1.5 or later). HostListener: the Gateway"
          + " already has a listener for the host, named in sectionName, that references the"
          + " certificate Secret. WildcardListener: a listener of the Gateway with its own"
          + " certificate covers the host; the operator creates only the route.")
  private GatewayListener listener;

  @Pattern(SpecConstraints.OBJECT_NAME)
  @Size(max = SpecConstraints.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "The Gateway listener the route attaches to (HostListener, WildcardListener); empty"
          + " attaches to every listener whose hostname matches.")
  private String sectionName;

  @Min(1)
  @Max(65535)
  @Default(SpecDefaults.GATEWAY_PORT_TEXT)
  @JsonPropertyDescription("Port of the ListenerSet's HTTPS listener.")
  private Integer port;

  public GatewayExposureSpec() {}

  public GatewayExposureSpec(String name, String namespace, GatewayListener listener) {
    this.name = name;
    this.namespace = namespace;
    this.listener = listener;
  }

  /** The listener, or the default when the CR did not pass through defaulting. */
  public GatewayListener effectiveListener() {
    return listener != null ? listener : GatewayListener.fromValue(SpecDefaults.GATEWAY_LISTENER);
  }

  public int effectivePort() {
    return port != null ? port : SpecDefaults.GATEWAY_PORT;
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

  public GatewayListener getListener() {
    return listener;
  }

  public void setListener(GatewayListener listener) {
    this.listener = listener;
  }

  public String getSectionName() {
    return sectionName;
  }

  public void setSectionName(String sectionName) {
    this.sectionName = sectionName;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GatewayExposureSpec other
        && Objects.equals(name, other.name)
        && Objects.equals(namespace, other.namespace)
        && listener == other.listener
        && Objects.equals(sectionName, other.sectionName)
        && Objects.equals(port, other.port);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, namespace, listener, sectionName, port);
  }

  @Override
  public String toString() {
    return "GatewayExposureSpec{name=" + name + ", namespace=" + namespace + ", listener="
        + listener + ", sectionName=" + sectionName + ", port=" + port + "}";
  }
}
