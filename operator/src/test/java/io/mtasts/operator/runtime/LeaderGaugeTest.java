package io.mtasts.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.testing.ProbeDouble;
import io.mtasts.operator.testing.VerifierDouble;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * mtasts_operator_leader says whether this replica reconciles, as the not-leading alert reads it.
 * With leader election (which the mock API server cannot do), LeaderElectionE2E checks it.
 */
class LeaderGaugeTest {

  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^mtasts_operator_leader(?:\\{[^}]*})? (\\S+)$");

  private final LocalApiServer api = new LocalApiServer();
  private final KubernetesClient client = api.newClient();
  private final List<OperatorRuntime> runtimes = new ArrayList<>();

  @AfterEach
  void stop() {
    runtimes.forEach(OperatorRuntime::close);
    client.close();
    api.close();
  }

  private OperatorRuntime runtime(String identity, boolean leaderElection) {
    Map<String, String> settings = new HashMap<>(Map.of(
        "MTASTS_HTTP_PORT", "0",
        "MTASTS_HTTP_ADDRESS", "127.0.0.1",
        "MTASTS_LEADER_ELECTION", String.valueOf(leaderElection),
        "MTASTS_LEASE_NAMESPACE", "operators",
        "POD_NAME", identity));
    OperatorRuntime runtime = OperatorRuntime.builder(OperatorConfig.from(settings, Map.of()))
        .client(api.newClient())
        .probe(new ProbeDouble())
        .verifier(new VerifierDouble())
        .serverSideApply(false)
        .exitOnStopLeading(false)
        .build();
    runtimes.add(runtime);
    return runtime;
  }

  private static double leader(OperatorRuntime runtime) {
    Matcher m = SAMPLE.matcher(runtime.meterRegistry().scrape());
    assertThat(m.find()).as("mtasts_operator_leader in /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void withoutLeaderElectionTheReplicaLeadsFromStartUntilClosed() throws Exception {
    api.installPolicyCrd(client);
    OperatorRuntime runtime = runtime("only", false);
    assertThat(leader(runtime)).isEqualTo(0.0);

    runtime.start();
    assertThat(leader(runtime)).isEqualTo(1.0);

    runtime.close();
    assertThat(leader(runtime)).isEqualTo(0.0);
  }
}
