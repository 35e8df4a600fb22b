package io.mtasts.operator.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.reconciler.SharedPolicyHandover;
import io.mtasts.operator.testing.Policies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serve process against the mock API server in CRUD mode: loading, following, readiness. */
class ServeRuntimeTest {

  private static final String SERVER = "serving/shared";
  private static final String PATH = "/.well-known/mta-sts.txt";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final LocalApiServer api = new LocalApiServer();
  private final KubernetesClient client = api.newClient();
  private final HttpClient http = HttpClient.newHttpClient();
  private ServeRuntime runtime;

  ServeRuntimeTest() {
    api.installPolicyCrd(client);
  }

  @AfterEach
  void stop() {
    api.releaseLists();
    if (runtime != null) {
      runtime.close();
    }
    client.close();
    api.close();
  }

  private static String policy(String mx) {
    return "version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: 86400\n";
  }

  private MtaStsPolicy create(String namespace, String name, String domain) {
    MtaStsPolicy p = Policies.basic(name, domain);
    p.getMetadata().setNamespace(namespace);
    return client.resource(p).create();
  }

  private MtaStsPolicy handOver(MtaStsPolicy p, String server, String text) {
    MtaStsPolicy current = client.resources(MtaStsPolicy.class)
        .inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).get();
    SharedPolicy shared =
        SharedPolicyHandover.of(server, current.getSpec().getDomain(), "20260101T000000", text);
    return SharedPolicyHandover.write(client, current, shared);
  }

  private void start(String... namespaces) throws InterruptedException {
    runtime = ServeRuntime.start(client, ServeConfig.from(Map.of(
        ServeConfig.SERVER, SERVER,
        ServeConfig.NAMESPACES, String.join(",", namespaces),
        ServeConfig.ADDRESS, "127.0.0.1",
        ServeConfig.PORT, "0",
        ServeConfig.MANAGEMENT_PORT, "0"), Map.of()));
  }

  /** Status and body of a GET of the policy for {@code host}. */
  private String fetch(String host) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", runtime.port()), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET " + PATH + " HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String status = response.substring(9, 12);
      return status.equals("200")
          ? status + " " + response.substring(response.indexOf("\r\n\r\n") + 4)
          : status;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int management(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + runtime.managementPort() + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void isNotReadyAndAnswersNoNotFoundBeforeTheFirstList() throws Exception {
    handOver(create("mail", "a", "a.example"), SERVER, policy("mx.a.example"));
    api.holdLists("mtastspolicies");

    start();
    Thread.sleep(1000);

    assertThat(management("/readyz")).isEqualTo(503);
    assertThat(management("/healthz")).isEqualTo(200);
    assertThat(fetch("mta-sts.a.example")).isEqualTo("503");
    assertThat(runtime.isReady()).isFalse();

    api.releaseLists();

    await().atMost(TIMEOUT).until(() -> management("/readyz") == 200);
    assertThat(fetch("mta-sts.a.example")).isEqualTo("200 " + policy("mx.a.example"));
  }

  @Test
  void servesOnlyWhatTheOperatorHandedToThisServer() throws Exception {
    handOver(create("mail", "a", "a.example"), SERVER, policy("mx.a.example"));
    handOver(create("mail", "b", "b.example"), "serving/other", policy("mx.b.example"));
    create("mail", "c", "c.example");

    start();
    await().atMost(TIMEOUT).until(runtime::isReady);

    assertThat(fetch("mta-sts.a.example")).isEqualTo("200 " + policy("mx.a.example"));
    assertThat(fetch("mta-sts.b.example")).isEqualTo("404");
    assertThat(fetch("mta-sts.c.example")).isEqualTo("404");
    String metrics = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + runtime.managementPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("mtasts_serve_hosts 1.0",
        "mtasts_serve_requests_total{code=\"200\"} 1.0",
        "mtasts_serve_requests_total{code=\"404\"} 2.0");
  }

  @Test
  void followsUpdatesAndDeletes() throws Exception {
    MtaStsPolicy a = create("mail", "a", "a.example");
    handOver(a, SERVER, policy("mx1.a.example"));
    start();
    await().atMost(TIMEOUT).until(runtime::isReady);
    assertThat(fetch("mta-sts.a.example")).isEqualTo("200 " + policy("mx1.a.example"));

    // a policy handed over after the start
    handOver(create("mail", "b", "b.example"), SERVER, policy("mx.b.example"));
    await().atMost(TIMEOUT).until(
        () -> fetch("mta-sts.b.example").equals("200 " + policy("mx.b.example")));

    handOver(a, SERVER, policy("mx2.a.example"));
    await().atMost(TIMEOUT).until(
        () -> fetch("mta-sts.a.example").equals("200 " + policy("mx2.a.example")));

    // handed to another server: no longer served here
    handOver(a, "serving/other", policy("mx2.a.example"));
    await().atMost(TIMEOUT).until(() -> fetch("mta-sts.a.example").equals("404"));

    handOver(a, SERVER, policy("mx3.a.example"));
    await().atMost(TIMEOUT).until(
        () -> fetch("mta-sts.a.example").equals("200 " + policy("mx3.a.example")));
    SharedPolicyHandover.clear(client, client.resource(a).get());
    await().atMost(TIMEOUT).until(() -> fetch("mta-sts.a.example").equals("404"));

    handOver(create("mail", "gone", "gone.example"), SERVER, policy("mx.gone.example"));
    await().atMost(TIMEOUT).until(() -> fetch("mta-sts.gone.example").startsWith("200"));
    client.resources(MtaStsPolicy.class).inNamespace("mail").withName("gone").delete();
    await().atMost(TIMEOUT).until(() -> fetch("mta-sts.gone.example").equals("404"));
    assertThat(fetch("mta-sts.b.example")).isEqualTo("200 " + policy("mx.b.example"));
  }

  @Test
  void watchesOnlyTheNamespacesGiven() throws Exception {
    handOver(create("mail", "a", "a.example"), SERVER, policy("mx.a.example"));
    handOver(create("team", "b", "b.example"), SERVER, policy("mx.b.example"));
    handOver(create("other", "c", "c.example"), SERVER, policy("mx.c.example"));

    start("mail", "team");
    await().atMost(TIMEOUT).until(runtime::isReady);

    assertThat(fetch("mta-sts.a.example")).startsWith("200");
    assertThat(fetch("mta-sts.b.example")).startsWith("200");
    assertThat(fetch("mta-sts.c.example")).isEqualTo("404");
    List<String> paths = api.requests().stream().map(LocalApiServer.ApiRequest::path)
        .filter(p -> p.contains("mtastspolicies")).toList();
    assertThat(paths).noneMatch(p -> p.startsWith("/apis/mtasts.io/v1alpha1/mtastspolicies"));
  }

  @Test
  void reportsUnreadyWhileShuttingDown() throws Exception {
    start();
    await().atMost(TIMEOUT).until(runtime::isReady);
    runtime.close();
    assertThat(runtime.isReady()).isFalse();
    runtime = null;
  }
}
