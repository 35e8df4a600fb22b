package io.mtasts.operator.reconciler;

import io.mtasts.operator.plan.DesiredChildren;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The probe as an HTTP GET of the policy path: in a cluster through the policy Service's DNS
 * name. Redirects are not followed and the body is read only up to the policy size limit.
 */
public final class HttpServedPolicyProbe implements ServedPolicyProbe {

  private final HttpClient client;
  private final Duration timeout;
  private final Function<PolicyPlan, URI> location;

  /** The in-cluster probe: {@code http://<service>.<namespace>.svc.<clusterDomain>}. */
  public static HttpServedPolicyProbe inCluster(Duration timeout, String clusterDomain) {
    return new HttpServedPolicyProbe(timeout, plan -> URI.create("http://" + plan.childName()
        + "." + plan.namespace() + ".svc." + clusterDomain + ":" + DesiredChildren.SERVICE_PORT
        + WebServerConfig.POLICY_PATH), null);
  }

  /**
   * A probe of wherever {@code location} says a plan's policy is served; {@code sslContext} (may
   * be null) for an HTTPS location with its own trust.
   */
  public HttpServedPolicyProbe(
      Duration timeout, Function<PolicyPlan, URI> location, SSLContext sslContext) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1);
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    this.client = builder.build();
    this.timeout = timeout;
    this.location = location;
  }

  @Override
  public byte[] fetch(PolicyPlan plan) throws IOException, InterruptedException {
    URI uri = location.apply(plan);
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
