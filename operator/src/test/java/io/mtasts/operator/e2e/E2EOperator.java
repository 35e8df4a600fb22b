package io.mtasts.operator.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.mtasts.operator.runtime.OperatorConfig;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.VerifierDouble;
import java.util.HashMap;
import java.util.Map;

/**
 * The operator as it runs in production (server-side apply, leader election through a Lease),
 * started in-process against the real API server, its served-policy probe included (a test that
 * needs a policy served runs {@link LoopbackNginx} and publishes its address in an EndpointSlice);
 * only the live verifier of public DNS and HTTPS is a double.
 */
final class E2EOperator {

  private E2EOperator() {}

  static OperatorRuntime start(RealCluster cluster, String identity,
      Map<String, String> settings) throws Exception {
    return start(cluster.admin.getConfiguration(), cluster.namespace, identity, settings);
  }

  /** A DNS server on 127.0.0.1 that knows no name. */
  private static final io.mtasts.operator.localserver.LocalDnsServer NO_RECORDS =
      io.mtasts.operator.localserver.LocalDnsServer.start();

  /** With a client made from {@code config}, e.g. one that impersonates a ServiceAccount. */
  static OperatorRuntime start(Config config, String leaseNamespace, String identity,
      Map<String, String> settings) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("POD_NAME", identity);
    env.put("POD_NAMESPACE", leaseNamespace);
    Map<String, String> all = new HashMap<>(Map.of(
        "MTASTS_HTTP_PORT", "0",
        "MTASTS_HTTP_ADDRESS", "127.0.0.1",
        "MTASTS_LEASE_NAME", "mta-sts-operator-e2e",
        // lookups (the MX guard's) stay on this host; tests that need records pass their own
        "MTASTS_DNS_SERVERS", NO_RECORDS.hostAndPort()));
    all.putAll(settings);
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(config).build())
        .withKubernetesSerialization(OperatorRuntime.readingSerialization()).build();
    return OperatorRuntime.builder(OperatorConfig.from(env, all))
        .client(client)
        .verifier(new VerifierDouble())
        .exitOnStopLeading(false)
        .build()
        .start();
  }
}
