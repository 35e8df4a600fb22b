package io.mtasts.operator.reconciler;

import io.mtasts.operator.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The in-cluster probe: a plain HTTP GET of the policy path through the policy Service's cluster
 * DNS name. Redirects are not followed and the body is read only up to the policy size limit.
 */
public final class HttpServedPolicyProbe implements ServedPolicyProbe {

  private final HttpClient client;
  private final Duration timeout;
  private final String clusterDomain;

  public HttpServedPolicyProbe(Duration timeout, String clusterDomain) {
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.timeout = timeout;
    this.clusterDomain = clusterDomain;
  }

  @Override
  public byte[] fetch(PolicyPlan plan) throws IOException, InterruptedException {
    URI uri = URI.create("http://" + plan.childName() + "." + plan.namespace() + ".svc."
        + clusterDomain + ":" + PolicyServiceDependent.PORT + WebServerConfig.POLICY_PATH);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException(uri + " answered HTTP " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(Policy.MAX_BYTES + 1);
      if (bytes.length > Policy.MAX_BYTES) {
        throw new IOException(uri + " served more than " + Policy.MAX_BYTES + " bytes");
      }
      return bytes;
    }
  }
}
