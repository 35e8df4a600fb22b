package io.mtasts.operator.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The policy listener over real HTTP on 127.0.0.1. Requests are written on plain sockets so the
 * test controls every byte a client sends (Host header, oversized or unfinished requests).
 */
class PolicyHttpServerTest {

  private static final String POLICY =
      "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 86400\r\n";
  private static final String PATH = "/.well-known/mta-sts.txt";

  private final PolicyHosts hosts = new PolicyHosts();
  private final AtomicBoolean loaded = new AtomicBoolean(true);
  private PolicyHttpServer server;

  @BeforeEach
  void start() throws Exception {
    hosts.put(new PolicyHosts.Entry("mail/example", "example.com", Instant.EPOCH, "u1",
        POLICY.getBytes(StandardCharsets.UTF_8)));
    Routes routes = new Routes(Map.of(PolicyRoute.PATH, new PolicyRoute(hosts, loaded::get)));
    server = PolicyHttpServer.start(HttpSettings.defaults("127.0.0.1", 0)
        .withRequestTimeout(Duration.ofSeconds(1)).withThreads(1), routes,
        new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    server.close(Duration.ZERO);
  }

  /** A response as read off the wire. */
  record Response(String statusLine, Map<String, String> headers, byte[] body) {
    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }

    String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  private Response exchange(String request, boolean head) throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return read(socket.getInputStream(), head);
    }
  }

  private Response get(String host, String path) throws IOException {
    return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n", false);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
    socket.setSoTimeout(5000);
    return socket;
  }

  private static Response read(InputStream in, boolean head) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before the end of the headers: " + header);
      }
      header.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = header.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new java.util.HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).toLowerCase(), lines[i].substring(colon + 1).strip());
    }
    int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new Response(lines[0], headers, in.readNBytes(length));
  }

  @Test
  void answersTheExactBytesAsPlainText() throws IOException {
    Response response = get("mta-sts.example.com", PATH);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(POLICY.getBytes(StandardCharsets.UTF_8));
    assertThat(response.header("Content-Type")).isEqualTo("text/plain");
    assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(POLICY.length()));
    assertThat(response.header("Location")).isNull();
  }

  @Test
  void matchesTheHostWithAPortAndInAnyCase() throws IOException {
    assertThat(get("MTA-STS.Example.COM:8443", PATH).status()).isEqualTo(200);
    assertThat(get("mta-sts.example.com:443", PATH).body())
        .isEqualTo(POLICY.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void ignoresTheQueryOfTheRequest() throws IOException {
    assertThat(get("mta-sts.example.com", PATH + "?nocache=1").status()).isEqualTo(200);
  }

  @Test
  void headAnswersTheHeadersWithoutTheBody() throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("HEAD " + PATH + " HTTP/1.1\r\nHost: mta-sts.example.com\r\n\r\n"
          + "GET " + PATH + " HTTP/1.1\r\nHost: mta-sts.example.com\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      Response head = read(socket.getInputStream(), true);
      // the next answer on the same connection starts right after the headers: no body was sent
      Response next = read(socket.getInputStream(), false);

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(POLICY.length()));
      assertThat(next.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(next.body()).isEqualTo(POLICY.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void unknownHostsAndOtherPathsAreNotFound() throws IOException {
    assertThat(get("mta-sts.example.org", PATH).status()).isEqualTo(404);
    assertThat(get("example.com", PATH).status()).isEqualTo(404);
    assertThat(get("mta-sts.example.com", "/").status()).isEqualTo(404);
    assertThat(get("mta-sts.example.com", "/.well-known/mta-sts.txt/").status()).isEqualTo(404);
    assertThat(get("mta-sts.example.com", "/.well-known/MTA-STS.TXT").status()).isEqualTo(404);
  }

  @Test
  void otherMethodsAreNotAllowed() throws IOException {
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
      Response response = exchange(method + " " + PATH
          + " HTTP/1.1\r\nHost: mta-sts.example.com\r\nContent-Length: 0\r\n\r\n", false);
      assertThat(response.status()).as(method).isEqualTo(405);
      assertThat(response.header("Allow")).as(method).isEqualTo("GET, HEAD");
    }
  }

  @Test
  void answersUnavailableRatherThanNotFoundBeforeThePoliciesAreLoaded() throws IOException {
    loaded.set(false);
    assertThat(get("mta-sts.example.com", PATH).status()).isEqualTo(503);
    assertThat(get("mta-sts.unknown.example", PATH).status()).isEqualTo(503);
  }

  @Test
  void refusesARequestWithoutOrWithTwoHostHeaders() throws IOException {
    assertThat(exchange("GET " + PATH + " HTTP/1.0\r\n\r\n", false).status()).isEqualTo(404);
    assertThat(exchange("GET " + PATH + " HTTP/1.1\r\nHost: mta-sts.example.com\r\n"
        + "Host: mta-sts.example.org\r\n\r\n", false).status()).isEqualTo(400);
  }

  @Test
  void refusesOversizedHeadersAndRequestLines() throws IOException {
    String big = "x".repeat(10_000);
    assertThat(exchange("GET " + PATH + " HTTP/1.1\r\nHost: mta-sts.example.com\r\nX-Big: "
        + big + "\r\n\r\n", false).status()).isEqualTo(431);
    assertThat(exchange("GET " + PATH + "?" + big + " HTTP/1.1\r\nHost: mta-sts.example.com"
        + "\r\n\r\n", false).status()).isEqualTo(414);
  }

  @Test
  void slowClientsHoldNoThreadAndAreClosedAtTheDeadline() throws Exception {
    // more unfinished requests than the server has threads (one)
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket socket = connect();
        socket.getOutputStream().write(("GET " + PATH + " HTTP/1.1\r\nHost: mta-")
            .getBytes(StandardCharsets.ISO_8859_1));
        slow.add(socket);
      }

      long start = System.nanoTime();
      Response response = get("mta-sts.example.com", PATH);
      assertThat(response.status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));

      // the request deadline is 1 s: a client still sending closes then, one byte at a time
      // or not
      Socket trickling = slow.get(0);
      long opened = System.nanoTime();
      boolean closed = false;
      while (!closed && System.nanoTime() - opened < Duration.ofSeconds(5).toNanos()) {
        try {
          trickling.getOutputStream().write('s');
          trickling.setSoTimeout(200);
          closed = trickling.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
          // still open
        } catch (IOException e) {
          closed = true;
        }
      }
      assertThat(closed).as("a trickling client is closed at the deadline").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - opened)).isLessThan(Duration.ofSeconds(3));
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void keepsTheConnectionOpenBetweenRequests() throws IOException {
    try (Socket socket = connect()) {
      for (int i = 0; i < 3; i++) {
        socket.getOutputStream().write(("GET " + PATH + " HTTP/1.1\r\nHost: mta-sts.example.com"
            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(read(socket.getInputStream(), false).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void stopsAcceptingOnClose() throws IOException {
    int port = server.port();
    server.close(Duration.ofSeconds(1));
    try (Socket socket = new Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> socket.connect(new InetSocketAddress("127.0.0.1", port), 1000))
          .isInstanceOf(IOException.class);
    }
  }
}
