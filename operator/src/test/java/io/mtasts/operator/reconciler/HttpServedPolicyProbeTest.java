package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mtasts.operator.localserver.LocalCertificateAuthority;
import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.localserver.ScriptedResponse;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.testing.Policies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The probe that decides when a new id may be advertised: exact bytes or an error. */
class HttpServedPolicyProbeTest {

  private final LocalCertificateAuthority ca = LocalCertificateAuthority.create();
  private LocalHttpsServer server;
  private HttpServedPolicyProbe probe;
  private final PolicyPlan plan = PolicyPlan.of(Policies.basic("example", "example.com"),
      PlanSettings.defaults());

  @BeforeEach
  void start() {
    server = LocalHttpsServer.start(ca.issue("127.0.0.1"));
    probe = new HttpServedPolicyProbe(Duration.ofSeconds(2),
        p -> server.uri(WebServerConfig.POLICY_PATH), ca.clientSslContext());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void returnsTheServedBytesExactly() throws Exception {
    server.respond(WebServerConfig.POLICY_PATH, ScriptedResponse.ok("text/plain",
        plan.policyBytes()));
    assertThat(probe.fetch(plan)).isEqualTo(plan.policyBytes());
  }

  @Test
  void aRedirectIsAnErrorAndIsNotFollowed() {
    server.respond(WebServerConfig.POLICY_PATH, ScriptedResponse.redirect("/elsewhere"));
    assertThatThrownBy(() -> probe.fetch(plan)).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 301");
    assertThat(server.wasRequested("/elsewhere")).isFalse();
  }

  @Test
  void aBodyOverTheLimitIsAnError() {
    server.respond(WebServerConfig.POLICY_PATH, ScriptedResponse.ok("text/plain",
        "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII)));
    assertThatThrownBy(() -> probe.fetch(plan)).isInstanceOf(IOException.class)
        .hasMessageContaining("more than 65536 bytes");
  }
}
