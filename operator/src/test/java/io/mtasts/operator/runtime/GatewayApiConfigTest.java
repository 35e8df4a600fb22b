package io.mtasts.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.GatewayListener;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Gateway API settings: off by default, a Gateway default only with support enabled. */
class GatewayApiConfigTest {

  @Test
  void byDefaultGatewayApiIsOffAndPoliciesGetAnIngress() {
    OperatorConfig c = OperatorConfig.from(Map.of(), Map.of());
    assertThat(c.gatewayApi().enabled()).isFalse();
    assertThat(c.gatewayApi().defaultExposure()).isEmpty();
    assertThat(c.planSettings().gatewayApi()).isEqualTo(c.gatewayApi());
  }

  @Test
  void aDefaultGatewayIsReadWithItsNamespaceListenerAndSection() {
    OperatorConfig c = OperatorConfig.from(Map.of(
        "MTASTS_GATEWAY_API", "true",
        "MTASTS_DEFAULT_EXPOSURE", "Gateway",
        "MTASTS_DEFAULT_GATEWAY", "gateway-system/public",
        "MTASTS_DEFAULT_GATEWAY_LISTENER", "HostListener",
        "MTASTS_DEFAULT_GATEWAY_SECTION", "mta-sts"), Map.of());
    var exposure = c.gatewayApi().defaultExposure().orElseThrow();
    assertThat(exposure.getType()).isEqualTo(ExposureType.GATEWAY);
    assertThat(exposure.getGateway().getNamespace()).isEqualTo("gateway-system");
    assertThat(exposure.getGateway().getName()).isEqualTo("public");
    assertThat(exposure.getGateway().getListener()).isEqualTo(GatewayListener.HOST_LISTENER);
    assertThat(exposure.getGateway().getSectionName()).isEqualTo("mta-sts");

    var sameNamespace = OperatorConfig.from(Map.of("MTASTS_GATEWAY_API", "true",
        "MTASTS_DEFAULT_EXPOSURE", "Gateway", "MTASTS_DEFAULT_GATEWAY", "public"), Map.of())
        .gatewayApi().defaultExposure().orElseThrow().getGateway();
    assertThat(sameNamespace.getNamespace()).isNull();
    assertThat(sameNamespace.effectiveListener()).isEqualTo(GatewayListener.LISTENER_SET);
  }

  @Test
  void aGatewayDefaultWithoutSupportOrGatewayIsRefusedNamingTheVariables() {
    assertThatThrownBy(() -> OperatorConfig.from(Map.of(
        "MTASTS_DEFAULT_EXPOSURE", "Gateway"), Map.of()))
        .isInstanceOf(OperatorConfig.InvalidConfigException.class)
        .hasMessageContaining("MTASTS_DEFAULT_EXPOSURE='Gateway' needs MTASTS_GATEWAY_API=true")
        .hasMessageContaining("MTASTS_DEFAULT_GATEWAY=''");
    assertThatThrownBy(() -> OperatorConfig.from(Map.of(
        "MTASTS_GATEWAY_API", "on",
        "MTASTS_DEFAULT_EXPOSURE", "gateway"), Map.of()))
        .hasMessageContaining("MTASTS_GATEWAY_API='on' is invalid: expected true or false")
        .hasMessageContaining("MTASTS_DEFAULT_EXPOSURE='gateway' is invalid: expected Ingress"
            + " or Gateway");
    assertThatThrownBy(() -> OperatorConfig.from(Map.of(
        "MTASTS_GATEWAY_API", "true",
        "MTASTS_DEFAULT_EXPOSURE", "Gateway",
        "MTASTS_DEFAULT_GATEWAY", "a/b/c",
        "MTASTS_DEFAULT_GATEWAY_LISTENER", "Listener",
        "MTASTS_DEFAULT_GATEWAY_SECTION", "https"), Map.of()))
        .hasMessageContaining("MTASTS_DEFAULT_GATEWAY='a/b/c' is invalid")
        .hasMessageContaining("MTASTS_DEFAULT_GATEWAY_LISTENER='Listener' is invalid")
        .hasMessageContaining("MTASTS_DEFAULT_GATEWAY_SECTION='https' is invalid");
  }
}
