package io.mtasts.operator.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.testing.ProbeDouble;
import io.mtasts.operator.testing.VerifierDouble;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A first-run mistake outside a cluster ends start() with one line saying what to do. The missing
 * CRD is tested on a real API server (OperatorProcessE2E): the mock one lists resources of any
 * type, with or without their CRD.
 */
class StartupChecksTest {

  private final LocalApiServer api = new LocalApiServer();
  private final KubernetesClient client = api.newClient();
  private OperatorRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    client.close();
    api.close();
  }

  private OperatorRuntime runtime(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(Map.of(
        "MTASTS_HTTP_PORT", "0",
        "MTASTS_HTTP_ADDRESS", "127.0.0.1"));
    settings.putAll(extra);
    runtime = OperatorRuntime.builder(OperatorConfig.from(Map.of(), settings))
        .client(api.newClient())
        .probe(new ProbeDouble())
        .verifier(new VerifierDouble())
        .serverSideApply(false)
        .exitOnStopLeading(false)
        .build();
    return runtime;
  }

  @Test
  void aLeaseNamespaceThatDoesNotExistStopsTheStartWithTheFlagToSet() {
    api.installPolicyCrd(client);

    assertThatThrownBy(() -> runtime(Map.of("MTASTS_LEASE_NAMESPACE", "nowhere")).start())
        .isInstanceOf(OperatorRuntime.StartupException.class)
        .hasMessageContaining("the Lease namespace 'nowhere' does not exist")
        .hasMessageContaining("--lease-namespace");
  }
}
