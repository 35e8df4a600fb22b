package io.mtasts.operator.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeConfigTest {

  @Test
  void defaultsToAllNamespacesAndPorts8080And8081() {
    ServeConfig config = ServeConfig.from(Map.of(ServeConfig.SERVER, "mail/shared"), Map.of());

    assertThat(config.server()).isEqualTo("mail/shared");
    assertThat(config.namespaces()).isEmpty();
    assertThat(config.address()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.managementPort()).isEqualTo(8081);
  }

  @Test
  void readsNamespacesAndPorts() {
    ServeConfig config = ServeConfig.from(Map.of(ServeConfig.SERVER, "mail/shared",
        ServeConfig.NAMESPACES, " a, b,,a ", ServeConfig.PORT, "9000",
        ServeConfig.MANAGEMENT_PORT, "9001"), Map.of());

    assertThat(config.namespaces()).isEqualTo(List.of("a", "b"));
    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.managementPort()).isEqualTo(9001);
  }

  @Test
  void namesTheSettingAndWhatIsAllowed() {
    assertThatThrownBy(() -> ServeConfig.from(Map.of(), Map.of()))
        .hasMessageStartingWith("MTASTS_SERVE_SERVER='': ")
        .hasMessageContaining("NAMESPACE/NAME");
    assertThatThrownBy(() -> ServeConfig.from(Map.of(ServeConfig.SERVER, "shared"),
        Map.of(ServeConfig.SERVER, "--server")))
        .hasMessageStartingWith("--server='shared': ");
    assertThatThrownBy(() -> ServeConfig.from(Map.of(ServeConfig.SERVER, "mail/shared",
        ServeConfig.NAMESPACES, "ok,Not_OK"), Map.of()))
        .hasMessageContaining("'Not_OK' is not a namespace name");
    assertThatThrownBy(() -> ServeConfig.from(Map.of(ServeConfig.SERVER, "mail/shared",
        ServeConfig.PORT, "70000"), Map.of(ServeConfig.PORT, "--port")))
        .hasMessage("--port='70000': a port number from 0 to 65535 is allowed");
    assertThatThrownBy(() -> ServeConfig.from(Map.of(ServeConfig.SERVER, "mail/shared",
        ServeConfig.PORT, "9000", ServeConfig.MANAGEMENT_PORT, "9000"), Map.of()))
        .hasMessageContaining("must differ");
  }
}
