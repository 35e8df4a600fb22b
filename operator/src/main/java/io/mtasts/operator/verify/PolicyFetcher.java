package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Policy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ssl.TLS;
import org.apache.hc.core5.util.Timeout;

/**
 * Downloads {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} the way a strict sender does
 * (RFC 8461 section 3.3): SNI and certificate for the policy host, TLS 1.2 or newer, no redirects
 * followed, only 200 accepted, {@code text/plain}, at most 64 KiB read, the whole exchange within
 * the timeout. The client's address lookup is the verifier's: the DNS servers it was given, the
 * {@code --resolve} overrides, and the rule against non-public addresses.
 */
final class PolicyFetcher {

  static final String POLICY_PATH = "/.well-known/mta-sts.txt";
  private static final CheckName NAME = CheckName.POLICY_FETCH;
  private static final int READ_CHUNK = 8192;

  private final TargetResolver resolver;
  private final TrustMaterial trust;
  private final Duration timeout;
  private final int port;
  private final Clock clock;

  PolicyFetcher(
      TargetResolver resolver, TrustMaterial trust, Duration timeout, int port, Clock clock) {
    this.resolver = resolver;
    this.trust = trust;
    this.timeout = timeout;
    this.port = port;
    this.clock = clock;
  }

  static String policyHost(String domain) {
    return "mta-sts." + domain;
  }

  String url(String domain) {
    return "https://" + policyHost(domain) + (port == 443 ? "" : ":" + port) + POLICY_PATH;
  }

  FetchedPolicy fetch(String domain) {
    String host = policyHost(domain);
    String url = url(domain);
    Targets targets = resolver.resolve(host, port);
    if (!targets.reachable()) {
      String message = "cannot fetch " + url + ": " + targets.whyUnreachable();
      return new FetchedPolicy(targets.temporaryFailure()
          ? CheckOutcome.warn(NAME, message + "; this says nothing about the policy, try again")
          : CheckOutcome.fail(NAME, message), Optional.empty(), Optional.empty());
    }
    CertificateInspector inspector = new CertificateInspector(trust, host, clock);
    Exchange exchange = new Exchange(url, targets, inspector);
    return exchange.run();
  }

  /** One download and everything learned during it. */
  private final class Exchange {
    private final String url;
    private final Targets targets;
    private final CertificateInspector inspector;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final List<String> bodyProblems = new ArrayList<>();

    Exchange(String url, Targets targets, CertificateInspector inspector) {
      this.url = url;
      this.targets = targets;
      this.inspector = inspector;
    }

    FetchedPolicy run() {
      HttpGet get = new HttpGet(url);
      // cancelling closes the connection at once, whatever the client is waiting for
      CompletableFuture<Void> deadline = CompletableFuture.runAsync(() -> {
        timedOut.set(true);
        get.cancel();
      }, CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
      HttpClientContext context = HttpClientContext.create();
      try (CloseableHttpClient client = client()) {
        ClassicHttpResponse response = client.executeOpen(null, get, context);
        boolean readToEnd = false;
        try {
          if (response.getCode() != 200) {
            return new FetchedPolicy(CheckOutcome.fail(NAME, judgeStatus(response)),
                Optional.empty(), inspector.facts());
          }
          Optional<byte[]> body = readBody(response.getEntity(), get);
          readToEnd = body.isPresent();
          return new FetchedPolicy(judge200(response, body, context), body, inspector.facts());
        } finally {
          if (!readToEnd) {
            // never drain an unwanted or oversized body: drop the connection instead
            get.cancel();
          }
          closeQuietly(response);
        }
      } catch (IOException e) {
        return new FetchedPolicy(CheckOutcome.fail(NAME, describe(e)), Optional.empty(),
            inspector.facts());
      } catch (IllegalStateException e) {
        // the client's state check trips when the deadline cancels it between two steps
        if (!timedOut.get()) {
          throw e;
        }
        return new FetchedPolicy(CheckOutcome.fail(NAME, describe(new IOException(e))),
            Optional.empty(), inspector.facts());
      } finally {
        deadline.cancel(false);
      }
    }

    private CloseableHttpClient client() {
      Timeout limit = Timeout.of(timeout);
      return HttpClients.custom()
          .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
              .setDnsResolver(new FixedAddresses(targets))
              .setTlsSocketStrategy(ClientTlsStrategyBuilder.create()
                  .setSslContext(inspector.clientContext())
                  .setTlsVersions(TLS.V_1_3, TLS.V_1_2)
                  .buildClassic())
              .setDefaultConnectionConfig(ConnectionConfig.custom()
                  .setConnectTimeout(limit)
                  .setSocketTimeout(limit)
                  .build())
              .setDefaultTlsConfig(TlsConfig.custom()
                  .setHandshakeTimeout(limit)
                  .setSupportedProtocols(TLS.V_1_3, TLS.V_1_2)
                  .build())
              .setMaxConnTotal(1)
              .build())
          .setDefaultRequestConfig(RequestConfig.custom()
              .setRedirectsEnabled(false)
              .setResponseTimeout(limit)
              .setConnectionRequestTimeout(limit)
              .build())
          .disableRedirectHandling()
          .disableAutomaticRetries()
          .disableContentCompression()
          .disableCookieManagement()
          .disableAuthCaching()
          .setUserAgent("mta-sts-operator")
          .build();
    }

    /** The body, or empty when it was too large; the connection is dropped at the cap. */
    private Optional<byte[]> readBody(HttpEntity entity, HttpGet get) throws IOException {
      if (entity == null) {
        return Optional.of(new byte[0]);
      }
      long declared = entity.getContentLength();
      if (declared > Policy.MAX_BYTES) {
        get.cancel();
        bodyProblems.add("declares " + declared + " bytes (Content-Length); a policy is at most "
            + Policy.MAX_BYTES + " bytes (64 KiB), senders do not read it; serve a smaller"
            + " policy");
        return Optional.empty();
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] chunk = new byte[READ_CHUNK];
      InputStream in = entity.getContent();
      while (true) {
        int wanted = Math.min(chunk.length, Policy.MAX_BYTES + 1 - body.size());
        int n = in.read(chunk, 0, wanted);
        if (n < 0) {
          return Optional.of(body.toByteArray());
        }
        body.write(chunk, 0, n);
        if (body.size() > Policy.MAX_BYTES) {
          get.cancel();
          bodyProblems.add("sent more than " + Policy.MAX_BYTES + " bytes; the download was"
              + " stopped there because a policy is at most 64 KiB and senders reject larger"
              + " ones; serve a smaller policy");
          return Optional.empty();
        }
      }
    }

    private CheckOutcome judge200(
        ClassicHttpResponse response, Optional<byte[]> body, HttpClientContext context) {
      List<String> failures = new ArrayList<>(bodyProblems);
      List<String> notes = new ArrayList<>();
      Header contentType = response.getFirstHeader("Content-Type");
      if (contentType == null) {
        notes.add("the response has no Content-Type header; some senders reject that;"
            + " serve the policy as text/plain");
      } else {
        judgeContentType(contentType.getValue(), failures, notes);
      }
      String where = " from " + url + " (" + targets.describeAllowed() + protocol(context) + ")";
      if (!failures.isEmpty()) {
        List<String> all = new ArrayList<>(failures);
        all.addAll(notes);
        return CheckOutcome.fail(NAME, "fetched" + where + ", but it " + String.join("; ", all));
      }
      String fetched = "fetched " + body.map(b -> b.length).orElse(0) + " bytes" + where;
      if (!notes.isEmpty()) {
        return CheckOutcome.warn(NAME, fetched + "; " + String.join("; ", notes));
      }
      return CheckOutcome.pass(NAME, fetched);
    }

    private void judgeContentType(String value, List<String> failures, List<String> notes) {
      String[] parts = value.split(";");
      String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
      if (!mediaType.equals("text/plain")) {
        failures.add("is served as '" + value + "'; senders require text/plain; set"
            + " 'Content-Type: text/plain' for " + POLICY_PATH);
        return;
      }
      for (int i = 1; i < parts.length; i++) {
        String[] parameter = parts[i].trim().split("=", 2);
        if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
          String charset = parameter[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
          if (!charset.equals("utf-8") && !charset.equals("us-ascii")) {
            notes.add("the charset '" + charset + "' is unusual for a policy; senders expect"
                + " utf-8 or us-ascii; serve 'text/plain; charset=utf-8' or no charset");
          }
        }
      }
    }

    private String judgeStatus(ClassicHttpResponse response) {
      int status = response.getCode();
      if (status >= 300 && status < 400) {
        Header location = response.getFirstHeader("Location");
        return url + " answers " + status + " redirecting to "
            + (location == null ? "(no Location)" : "'" + location.getValue() + "'")
            + "; senders never follow redirects; serve the policy itself with status 200 at"
            + " this URL";
      }
      return url + " answers HTTP " + status + "; senders accept only 200; serve the policy"
          + " file at " + POLICY_PATH;
    }

    private String protocol(HttpClientContext context) {
      return context.getSSLSession() == null ? "" : ", " + context.getSSLSession().getProtocol();
    }

    private String describe(IOException e) {
      String at = url + " (" + targets.describeAllowed() + ")";
      if (timedOut.get()) {
        return "fetching " + at + " did not finish within " + Durations.describe(timeout)
            + "; the server stalls or is too slow, and senders give up too";
      }
      Optional<CertificateFacts> facts = inspector.facts();
      if (facts.isPresent() && !facts.get().acceptable()) {
        return "TLS with " + at + " failed: " + facts.get().describeProblems();
      }
      if (e instanceof SSLException) {
        return "TLS with " + at + " failed: " + e.getMessage()
            + "; senders need TLS 1.2 or newer and a valid certificate";
      }
      if (e instanceof ConnectTimeoutException) {
        return "cannot connect to " + at + " within " + Durations.describe(timeout)
            + "; check that port " + port + " is open to the internet";
      }
      if (e instanceof ConnectException) {
        return "cannot connect to " + at + ": " + e.getMessage() + "; check that a web server"
            + " listens on port " + port;
      }
      if (e instanceof SocketTimeoutException) {
        return at + " did not answer within " + Durations.describe(timeout)
            + "; senders give up too";
      }
      return "fetching " + at + " failed: " + e;
    }
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException | RuntimeException e) {
      // the connection is already gone; nothing more to release
    }
  }

  /** The client's address lookup: the addresses already chosen for the policy host, and no other. */
  private static final class FixedAddresses implements DnsResolver {
    private final Targets targets;

    FixedAddresses(Targets targets) {
      this.targets = targets;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      if (!ResolveOverride.normalizeHost(host).equals(targets.host())) {
        throw new UnknownHostException(host + " is not the policy host " + targets.host());
      }
      return targets.allowed().toArray(InetAddress[]::new);
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
      List<InetSocketAddress> addresses = new ArrayList<>();
      for (InetAddress address : resolve(host)) {
        addresses.add(new InetSocketAddress(address, port));
      }
      return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host;
    }
  }
}
