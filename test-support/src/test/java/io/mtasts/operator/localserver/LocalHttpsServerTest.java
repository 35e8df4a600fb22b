package io.mtasts.operator.localserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalHttpsServerTest {
  private static final LocalCertificateAuthority CA = LocalCertificateAuthority.create();
  private static final IssuedCertificate LOOPBACK = CA.issue("127.0.0.1");
  private static final String POLICY_PATH = "/.well-known/mta-sts.txt";
  private static final String POLICY =
      "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n";

  private final LocalHttpsServer server = LocalHttpsServer.start(LOOPBACK);
  private final HttpClient client =
      HttpClient.newBuilder()
          .sslContext(CA.clientSslContext())
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesTheScriptedBodyToAClientTrustingTheAuthority() throws Exception {
    server.respond(POLICY_PATH, ScriptedResponse.ok("text/plain", POLICY));

    HttpResponse<String> response = get(POLICY_PATH + "?probe=1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(POLICY);
    assertThat(response.headers().firstValue("content-type")).contains("text/plain");
    assertThat(server.requests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.method()).isEqualTo("GET");
              assertThat(request.target()).isEqualTo(POLICY_PATH + "?probe=1");
              assertThat(request.path()).isEqualTo(POLICY_PATH);
              assertThat(request.host()).contains(server.hostAndPort());
              assertThat(request.serverName()).isEmpty();
              assertThat(request.tlsProtocol()).isEqualTo("TLSv1.3");
            });
  }

  @Test
  void sendsNoContentTypeUnlessScripted() throws Exception {
    server.respond(
        POLICY_PATH,
        ScriptedResponse.status(200).withBody(POLICY.getBytes(StandardCharsets.US_ASCII)));

    HttpResponse<String> response = get(POLICY_PATH);

    assertThat(response.body()).isEqualTo(POLICY);
    assertThat(response.headers().firstValue("content-type")).isEmpty();
  }

  @Test
  void answersUnscriptedPathsWith404() throws Exception {
    assertThat(get("/elsewhere").statusCode()).isEqualTo(404);
  }

  @Test
  void recordsWhetherARedirectTargetWasEverRequested() throws Exception {
    server
        .respond(POLICY_PATH, ScriptedResponse.redirect("/moved.txt"))
        .respond("/moved.txt", ScriptedResponse.ok("text/plain", POLICY));

    HttpResponse<String> response = get(POLICY_PATH);

    assertThat(response.statusCode()).isEqualTo(301);
    assertThat(response.headers().firstValue("location")).contains("/moved.txt");
    assertThat(server.wasRequested("/moved.txt")).isFalse();

    HttpClient following =
        HttpClient.newBuilder()
            .sslContext(CA.clientSslContext())
            .followRedirects(HttpClient.Redirect.ALWAYS)
            .build();
    following.send(
        HttpRequest.newBuilder(server.uri(POLICY_PATH)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(server.wasRequested("/moved.txt")).isTrue();
  }

  @Test
  void presentsTheCertificateRegisteredForTheSniName() throws Exception {
    LocalHttpsServer named =
        LocalHttpsServer.start(CA.issue("default.example.net"))
            .serveCertificateFor("mta-sts.example.com", CA.issue("mta-sts.example.com"))
            .respond(POLICY_PATH, ScriptedResponse.ok("text/plain", POLICY));
    try (named;
        CloseableHttpClient apache = apacheClientResolvingEverythingToLoopback()) {
      String body =
          apache.execute(
              new HttpGet(named.uri("mta-sts.example.com", POLICY_PATH)),
              response -> EntityUtils.toString(response.getEntity()));

      assertThat(body).isEqualTo(POLICY);
      assertThat(named.requests())
          .singleElement()
          .satisfies(
              request -> {
                assertThat(request.serverName()).contains("mta-sts.example.com");
                assertThat(request.host()).contains("mta-sts.example.com:" + named.port());
              });

      assertThatThrownBy(
              () ->
                  apache.execute(
                      new HttpGet(named.uri("mta-sts.example.org", POLICY_PATH)),
                      response -> EntityUtils.toString(response.getEntity())))
          .isInstanceOf(SSLException.class);
      assertThat(named.serverNamesSeen())
          .containsExactly("mta-sts.example.com", "mta-sts.example.org");
      assertThat(named.requests()).hasSize(1);
    }
  }

  @Test
  void streamsALargeBodySlowlyInChunks() throws Exception {
    byte[] large = new byte[70 * 1024];
    Arrays.fill(large, (byte) 'x');
    server.respond(
        POLICY_PATH,
        ScriptedResponse.ok("text/plain", large)
            .withFraming(ScriptedResponse.Framing.CHUNKED)
            .streamed(16 * 1024, Duration.ofMillis(40)));

    long started = System.nanoTime();
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(server.uri(POLICY_PATH)).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.body()).isEqualTo(large);
    assertThat(response.headers().firstValue("transfer-encoding")).contains("chunked");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(160));
  }

  @Test
  void canEndTheBodyByClosingTheConnection() throws Exception {
    byte[] large = new byte[70 * 1024];
    server.respond(
        POLICY_PATH,
        ScriptedResponse.ok("text/plain", large)
            .withFraming(ScriptedResponse.Framing.CLOSE_DELIMITED));

    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(server.uri(POLICY_PATH)).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.body()).hasSize(large.length);
    assertThat(response.headers().firstValue("content-length")).isEmpty();
  }

  @Test
  void canNeverAnswer() {
    server.respond(POLICY_PATH, ScriptedResponse.noResponse());

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(server.uri(POLICY_PATH))
                        // long enough for a handshake on a busy machine, so that the request
                        // is known to have arrived and gone unanswered
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(server.wasRequested(POLICY_PATH)).isTrue();
  }

  @Test
  void canStallAfterTheHeaders() throws Exception {
    server.respond(POLICY_PATH, ScriptedResponse.ok("text/plain", POLICY).stallAfterHeaders());

    try (SSLSocket socket = connect(Optional.empty(), "TLSv1.3")) {
      socket
          .getOutputStream()
          .write(
              ("GET " + POLICY_PATH + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String head = readUntilBlankLine(in);

      assertThat(head)
          .startsWith("HTTP/1.1 200 OK\r\n")
          .contains("Content-Length: " + POLICY.length());
      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void canAcceptConnectionsAndNeverStartTls() throws Exception {
    server.stallHandshakes(true);

    assertThatThrownBy(() -> connect(Optional.empty(), "TLSv1.3"))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void negotiatesTls12AndTls13AndCanBeLimitedToOne() throws Exception {
    try (SSLSocket tls12 = connect(Optional.of("mta-sts.example.com"), "TLSv1.2")) {
      assertThat(tls12.getSession().getProtocol()).isEqualTo("TLSv1.2");
    }
    server.tlsProtocols("TLSv1.3");

    assertThatThrownBy(() -> connect(Optional.empty(), "TLSv1.2")).isInstanceOf(SSLException.class);
    assertThat(server.serverNamesSeen()).containsExactly("mta-sts.example.com");
  }

  @Test
  void closingEndsStalledConnections() throws Exception {
    server.respond(POLICY_PATH, ScriptedResponse.noResponse());
    try (SSLSocket socket = connect(Optional.empty(), "TLSv1.3")) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("GET " + POLICY_PATH + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      awaitRequest(POLICY_PATH);
      long started = System.nanoTime();

      server.close();

      assertThatThrownBy(
              () -> {
                if (socket.getInputStream().read() < 0) {
                  throw new IOException("closed");
                }
              })
          .isInstanceOf(IOException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(thread -> thread.getName().startsWith("local-https") && thread.isAlive());
    }
  }

  private void awaitRequest(String path) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!server.wasRequested(path)) {
      assertThat(System.nanoTime()).as("request for %s arrived in time", path).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A TLS client with full control over SNI and version, and a short read timeout. */
  private SSLSocket connect(Optional<String> sniName, String protocol) throws IOException {
    Socket plain = new Socket(server.address().getAddress(), server.port());
    plain.setSoTimeout(300);
    SSLSocket socket =
        (SSLSocket)
            CA.clientSslContext()
                .getSocketFactory()
                .createSocket(plain, "127.0.0.1", server.port(), true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setProtocols(new String[] {protocol});
    sniName.ifPresent(name -> parameters.setServerNames(List.of(new SNIHostName(name))));
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  private static String readUntilBlankLine(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static CloseableHttpClient apacheClientResolvingEverythingToLoopback() {
    DnsResolver loopback =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(loopback)
                .setTlsSocketStrategy(
                    ClientTlsStrategyBuilder.create()
                        .setSslContext(CA.clientSslContext())
                        .buildClassic())
                .build())
        .disableRedirectHandling()
        .build();
  }
}
