package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.testing.Policies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One GET of one pod: exact bytes, or an error that says what the pod answered. */
class HttpServedPolicyProbeTest {

  private final PolicyPlan plan = PolicyPlan.of(Policies.basic("example", "example.com"),
      PlanSettings.defaults());
  private final List<String> hosts = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private HttpServedPolicyProbe probe;
  private volatile int status = 200;
  private volatile byte[] body;
  private volatile String location;

  @BeforeEach
  void start() throws IOException {
    body = plan.policyBytes();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      hosts.add(exchange.getRequestHeaders().getFirst("Host"));
      paths.add(exchange.getRequestURI().getPath());
      if (location != null) {
        exchange.getResponseHeaders().add("Location", location);
      }
      byte[] b = status == 200 ? body : new byte[0];
      exchange.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
      exchange.getResponseBody().write(b);
      exchange.close();
    });
    server.start();
    probe = new HttpServedPolicyProbe(Duration.ofMillis(500));
  }

  @AfterEach
  void stop() throws IOException {
    server.stop(0);
    probe.close();
  }

  private ServingEndpoint endpoint() {
    return new ServingEndpoint("127.0.0.1", server.getAddress().getPort(), "web-a", false);
  }

  @Test
  void returnsTheServedBytesExactlyAskingForThePolicyHost() throws Exception {
    assertThat(probe.fetch(plan, endpoint())).isEqualTo(plan.policyBytes());
    assertThat(hosts).containsExactly("mta-sts.example.com");
    assertThat(paths).containsExactly(WebServerConfig.POLICY_PATH);
  }

  @Test
  void theAddressIsNotLookedUpByName() throws Exception {
    // a reverse lookup of 127.0.0.1 answers localhost from /etc/hosts; the probe must not ask
    // (elsewhere an unanswered PTR query costs seconds per probe)
    ServingEndpoint loopback = new ServingEndpoint("127.0.0.1", 8080, "pod", false);
    assertThat(HttpServedPolicyProbe.target(loopback).getHostName()).isEqualTo("127.0.0.1");
    ServingEndpoint v6 = new ServingEndpoint("fd00::1", 8080, "pod", false);
    assertThat(HttpServedPolicyProbe.target(v6).getAddress())
        .isEqualTo(InetAddress.getByName("fd00::1"));
  }

  @Test
  void aRedirectIsAnErrorAndIsNotFollowed() {
    status = 301;
    location = "/elsewhere";
    assertThatThrownBy(() -> probe.fetch(plan, endpoint())).isInstanceOf(IOException.class)
        .hasMessage("answered HTTP 301 (a redirect to /elsewhere, never followed)");
    assertThat(paths).containsExactly(WebServerConfig.POLICY_PATH);
  }

  @Test
  void anErrorStatusIsSaid() {
    status = 404;
    assertThatThrownBy(() -> probe.fetch(plan, endpoint())).isInstanceOf(IOException.class)
        .hasMessage("answered HTTP 404");
  }

  @Test
  void aBodyOverTheLimitIsAnError() {
    body = "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> probe.fetch(plan, endpoint())).isInstanceOf(IOException.class)
        .hasMessage("answered more than 65536 bytes");
  }

  @Test
  void aClosedPortIsConnectionRefused() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> probe.fetch(plan,
        new ServingEndpoint("127.0.0.1", closed, null, false)))
        .isInstanceOf(IOException.class).hasMessage("connection refused");
  }

  @Test
  void aPodThatAcceptsButNeverAnswersTimesOut() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> probe.fetch(plan,
          new ServingEndpoint("127.0.0.1", silent.getLocalPort(), null, false)))
          .isInstanceOf(IOException.class).hasMessage("no answer within 500ms");
    }
  }
}
