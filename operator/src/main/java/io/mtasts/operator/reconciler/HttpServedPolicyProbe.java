package io.mtasts.operator.reconciler;

import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.Timeout;

/**
 * The probe as a plain HTTP GET of the policy path from one pod address, as the ingress
 * controller sends it: {@code Host: mta-sts.<domain>}, no redirect followed, no connection kept,
 * the body read only up to the policy size limit, the whole exchange within the timeout.
 */
public final class HttpServedPolicyProbe implements ServedPolicyProbe, AutoCloseable {

  private static final int MAX_CONNECTIONS = 64;

  private final Duration timeout;
  private final CloseableHttpClient client;

  public HttpServedPolicyProbe(Duration timeout) {
    this.timeout = timeout;
    Timeout t = Timeout.of(timeout.toMillis(), TimeUnit.MILLISECONDS);
    this.client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            // the probe's own threads bound how many run at once; the pool's defaults (5 per
            // address) would queue the probes of many policies served by the same pods
            .setMaxConnPerRoute(MAX_CONNECTIONS)
            .setMaxConnTotal(MAX_CONNECTIONS)
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(t).setSocketTimeout(t).build())
            .build())
        .setDefaultRequestConfig(RequestConfig.custom()
            .setRedirectsEnabled(false)
            .setResponseTimeout(t)
            .build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableContentCompression()
        .disableConnectionState()
        .setConnectionReuseStrategy((request, response, context) -> false)
        .build();
  }

  @Override
  public byte[] fetch(PolicyPlan plan, ServingEndpoint endpoint)
      throws IOException, InterruptedException {
    HttpHost target = target(endpoint);
    HttpGet get = new HttpGet(WebServerConfig.POLICY_PATH);
    get.setScheme("http");
    // the name a sender asks for, as the ingress controller passes it on; no port, as there
    get.setAuthority(new URIAuthority(plan.policyHost()));
    try {
      return client.execute(target, get, response -> body(response));
    } catch (ConnectTimeoutException e) {
      throw new IOException("no connection within " + seconds(timeout), e);
    } catch (SocketTimeoutException e) {
      throw new IOException("no answer within " + seconds(timeout), e);
    } catch (ConnectException e) {
      throw new IOException("connection refused", e);
    } catch (NoRouteToHostException e) {
      throw new IOException("no route to the address", e);
    } catch (ProbeAnswer e) {
      throw new IOException(e.getMessage());
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted while fetching the policy");
      }
      throw new IOException(describe(e), e);
    }
  }

  /**
   * Where the probe connects: the endpoint's address, a literal from an EndpointSlice, named by
   * itself. HttpHost's constructor without a name asks the system for the address's name (a
   * reverse lookup per probe: seconds each where PTR queries go unanswered, which queued every
   * reconcile of a shared server's policies behind the probe threads).
   */
  static HttpHost target(ServingEndpoint endpoint) throws IOException {
    InetAddress address = InetAddress.getByName(endpoint.address());
    return new HttpHost("http", address, address.getHostAddress(), endpoint.port());
  }

  private static byte[] body(ClassicHttpResponse response) throws IOException {
    int status = response.getCode();
    if (status != 200) {
      Header location = response.getFirstHeader("Location");
      throw new ProbeAnswer("answered HTTP " + status + (status / 100 == 3
          ? " (a redirect" + (location == null ? "" : " to " + location.getValue())
              + ", never followed)"
          : ""));
    }
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return new byte[0];
    }
    try (InputStream in = entity.getContent()) {
      byte[] bytes = in.readNBytes(Policy.MAX_BYTES + 1);
      if (bytes.length > Policy.MAX_BYTES) {
        throw new ProbeAnswer("answered more than " + Policy.MAX_BYTES + " bytes");
      }
      return bytes;
    }
  }

  /** An exception's own words, or its kind when it has none. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    String kind = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? kind : kind + ": " + message;
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** What the server answered, when that answer is not the policy. */
  private static final class ProbeAnswer extends IOException {
    private static final long serialVersionUID = 1L;

    ProbeAnswer(String message) {
      super(message);
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
