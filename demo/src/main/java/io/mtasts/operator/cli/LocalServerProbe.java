package io.mtasts.operator.cli;

import io.mtasts.operator.localserver.LocalHttpsServer;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import io.mtasts.operator.reconciler.ServingEndpoint;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The demo's in-cluster probe: there are no pods, so every endpoint the stand-in EndpointSlice
 * lists is asked through the one local HTTPS server that plays all of them.
 */
final class LocalServerProbe implements ServedPolicyProbe {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final LocalHttpsServer https;
  private final HttpClient client;

  LocalServerProbe(LocalHttpsServer https, SSLContext trust) {
    this.https = https;
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(TIMEOUT)
        .sslContext(trust)
        .build();
  }

  @Override
  public byte[] fetch(PolicyPlan plan, ServingEndpoint endpoint)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response = client.send(
        HttpRequest.newBuilder(https.uri(WebServerConfig.POLICY_PATH)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("answered HTTP " + response.statusCode());
    }
    return response.body();
  }
}
