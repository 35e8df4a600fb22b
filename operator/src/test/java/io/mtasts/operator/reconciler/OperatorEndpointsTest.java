package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.testing.Policies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The running operator's health and metrics endpoint, as Kubernetes and Prometheus use it. */
class OperatorEndpointsTest {

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void healthReadinessAndMetricsWithJosdkAndPolicyGauges() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.create(Policies.basic("example", "example.com"));
    cluster.awaitChild(Deployment.class, "mta-sts-example", x -> true);
    cluster.completeRollout("mta-sts-example");
    cluster.awaitPolicy("example", p -> p.getStatus().getChecks() != null);

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + cluster.runtime().healthPort();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> {
      String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("operator_sdk_reconciliations_")
          .contains("mtasts_check_result{check=\"PolicyFetch\",domain=\"example.com\"");
    });
  }
}
