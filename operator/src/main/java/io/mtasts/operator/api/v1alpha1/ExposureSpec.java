package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** How HTTPS requests for {@code mta-sts.<domain>} reach the policy web server. */
@ValidationRule(
    value = "self.type != 'Gateway' || has(self.gateway)",
    message = "spec.exposure.gateway is required when spec.exposure.type is Gateway",
    fieldPath = ".gateway",
    reason = "FieldValueRequired")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "gateway"})
public class ExposureSpec {

  @Required
  @JsonPropertyDescription(
      "Ingress: an Ingress for the policy host. Gateway: a Gateway API HTTPRoute attached to the"
          + " Gateway in gateway (the operator must run with Gateway API support enabled).")
  private ExposureType type;

  @JsonPropertyDescription("The Gateway to attach to; required when type is Gateway.")
  private GatewayExposureSpec gateway;

  public ExposureSpec() {}

  public ExposureSpec(ExposureType type, GatewayExposureSpec gateway) {
    this.type = type;
    this.gateway = gateway;
  }

  public ExposureType getType() {
    return type;
  }

  public void setType(ExposureType type) {
    this.type = type;
  }

  public GatewayExposureSpec getGateway() {
    return gateway;
  }

  public void setGateway(GatewayExposureSpec gateway) {
    this.gateway = gateway;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExposureSpec other
        && type == other.type
        && Objects.equals(gateway, other.gateway);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, gateway);
  }

  @Override
  public String toString() {
    return "ExposureSpec{type=" + type + ", gateway=" + gateway + "}";
  }
}
