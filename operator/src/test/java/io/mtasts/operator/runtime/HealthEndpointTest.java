package io.mtasts.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the kubelet and Prometheus see on the operator's HTTP port. */
class HealthEndpointTest {

  private HealthServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesAnswerWithTheirStateAndMetricsArePrometheusText() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(true);
    AtomicBoolean ready = new AtomicBoolean(false);
    server = new HealthServer("127.0.0.1", 0,
        () -> new HealthServer.Check(healthy.get(), healthy.get() ? "ok" : "informer down"),
        () -> new HealthServer.Check(ready.get(), ready.get() ? "ready" : "starting"),
        () -> "# TYPE mtasts_check_result gauge\nmtasts_check_result 0.0\n");

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> notReady = get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("starting");
    ready.set(true);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    healthy.set(false);
    HttpResponse<String> sick = get("/healthz");
    assertThat(sick.statusCode()).isEqualTo(503);
    assertThat(sick.body()).contains("informer down");

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    assertThat(metrics.body()).contains("mtasts_check_result 0.0");
    assertThat(get("/healthz/extra").statusCode()).isEqualTo(404);
  }
}
