package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.testing.RequiredComponent;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated web-server configuration, served by the real nginx binary on 127.0.0.1: what a
 * sending mail server sees when it fetches the policy.
 */
class WebServerConfigNginxTest {

  private static final List<String> NOT_THE_POLICY = List.of(
      "/", "/other", "/.well-known", "/.well-known/", "/.well-known/mta-sts.txt/",
      "/.well-known/mta-sts.txt.bak", "/mta-sts.txt", "/healthz/", "/other/");

  private static Path dir;
  private static byte[] policy;
  private static int port;
  private static Process nginx;
  private static Thread stopOnExit;

  @BeforeAll
  static void startNginx() throws Exception {
    Optional<Path> found = findNginx();
    RequiredComponent.require(found.isPresent(),
        "the nginx binary (on Debian or Ubuntu: apt-get install -y nginx-light)");
    Path binary = found.orElseThrow();
    policy = PolicyPlan.of(Policies.fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: example
          namespace: mail
        spec:
          domain: example.com
          mode: enforce
          mx: [mail.example.com, "*.example.net"]
          maxAge: 86400
        """), PlanSettings.defaults()).policyBytes();
    // Run as root, nginx's workers switch to user nobody and must still read the policy file,
    // so the directory and the file are world-readable; no "user" directive is needed.
    dir = Files.createTempDirectory("mta-sts-nginx");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path policyFile = dir.resolve(WebServerConfig.POLICY_KEY);
    Files.write(policyFile, policy);
    Files.setPosixFilePermissions(policyFile, PosixFilePermissions.fromString("rw-r--r--"));
    stopOnExit = new Thread(WebServerConfigNginxTest::stopNginx);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    // a free port can be taken by another process before nginx binds it: try a few
    for (int attempt = 1; ; attempt++) {
      port = freeLoopbackPort();
      if (start(binary, policyFile) || attempt == 3) {
        break;
      }
    }
    if (!nginx.isAlive()) {
      fail("nginx exited with " + nginx.exitValue() + ":\n" + log());
    }
  }

  @AfterAll
  static void stopNginxAndCleanUp() throws IOException {
    stopNginx();
    if (stopOnExit != null) {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void servesThePolicyBytesExactlyAsPlainText() throws IOException {
    Response response = request("GET", WebServerConfig.POLICY_PATH);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).matches("text/plain(;\\s*charset=utf-8)?");
    assertThat(response.body()).isEqualTo(policy);
    assertThat(response.header("content-length")).isEqualTo(String.valueOf(policy.length));
    assertThat(response.header("server")).as("no version disclosed").isEqualTo("nginx");
  }

  @Test
  void servesThePolicyForThePolicyHostOfAnyDomain() throws IOException {
    // the probe and the ingress controller ask with Host: mta-sts.<domain>; the pod's one server
    // is the default server, so the domain it was rendered for needs no server_name
    for (String host : List.of("mta-sts.example.com", "mta-sts.other.example", "10.0.0.5:8080")) {
      Response response = request("GET", WebServerConfig.POLICY_PATH, host);
      assertThat(response.status()).as(host).isEqualTo(200);
      assertThat(response.body()).as(host).isEqualTo(policy);
    }
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws IOException {
    Response response = request("HEAD", WebServerConfig.POLICY_PATH);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).startsWith("text/plain");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void methodsOtherThanGetAndHeadAreNotAllowed() throws IOException {
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
      assertThat(request(method, WebServerConfig.POLICY_PATH).status()).as(method)
          .isEqualTo(405);
    }
  }

  @Test
  void everyOtherPathIsNotFound() throws IOException {
    for (String path : NOT_THE_POLICY) {
      assertThat(request("GET", path).status()).as("GET %s", path).isEqualTo(404);
    }
  }

  @Test
  void neverAnswersWithARedirect() throws IOException {
    for (String method : List.of("GET", "HEAD", "POST")) {
      for (String path : Stream.concat(NOT_THE_POLICY.stream(),
          Stream.of(WebServerConfig.POLICY_PATH, WebServerConfig.HEALTH_PATH)).toList()) {
        Response response = request(method, path);
        assertThat(response.status() / 100).as("status class of %s %s", method, path).isNotEqualTo(3);
        assertThat(response.header("location")).as("%s %s", method, path).isNull();
      }
    }
  }

  @Test
  void healthPathAnswersOk() throws IOException {
    Response response = request("GET", WebServerConfig.HEALTH_PATH);

    assertThat(response.status()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.US_ASCII)).isEqualTo("ok\n");
  }

  /** Starts nginx on {@link #port}; false when the port was taken meanwhile. */
  private static boolean start(Path binary, Path policyFile) throws IOException {
    String rendered = WebServerConfig.render(
        new WebServerConfig.Paths(policyFile.toString(), port, dir.toString()));
    // The rendered server listens on every interface, as a pod must; the test binds loopback
    // only, which the configuration has no setting for, so the listen line is rewritten here.
    String anyInterface = "listen " + port + " default_server;";
    assertThat(rendered).contains(anyInterface);
    String conf = rendered.replace(anyInterface, "listen 127.0.0.1:" + port + " default_server;");
    Path confFile = dir.resolve(WebServerConfig.CONFIG_KEY);
    Files.writeString(confFile, conf);
    Files.deleteIfExists(dir.resolve("nginx.log"));
    nginx = new ProcessBuilder(binary.toString(), "-e", "stderr", "-p", dir + "/",
        "-c", confFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nginx.log").toFile())
        .start();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> !nginx.isAlive() || accepts());
    return nginx.isAlive() || !log().contains("Address already in use");
  }

  private static void stopNginx() {
    Process process = nginx;
    if (process == null) {
      return;
    }
    List<ProcessHandle> workers = process.descendants().toList();
    process.destroy(); // SIGTERM to the master: nginx's fast shutdown, which stops the workers
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** nginx on PATH, or in the sbin directories, which a non-root user's PATH often lacks. */
  private static Optional<Path> findNginx() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(Arrays.stream(path.split(File.pathSeparator)),
            Stream.of("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/local/nginx/sbin"))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "nginx"))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  private static boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String log() {
    try {
      return Files.readString(dir.resolve("nginx.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A response as received, bytes and all; header names in lower case. */
  private record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  /**
   * One HTTP/1.1 request over a fresh connection, read until the server closes it: nothing
   * between the test and the bytes nginx sends, and no redirect ever followed.
   */
  private static Response request(String method, String path) throws IOException {
    return request(method, path, "mta-sts.example.com");
  }

  private static Response request(String method, String path, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String body = method.equals("POST") || method.equals("PUT") ? "x" : "";
      out.write((method + " " + path + " HTTP/1.1\r\n"
          + "Host: " + host + "\r\n"
          + "Connection: close\r\n"
          + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n")
          + "\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return parse(in.readAllBytes());
    }
  }

  private static Response parse(byte[] raw) {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(end).as("end of the response headers").isNotNegative();
    String[] lines = new String(raw, 0, end, StandardCharsets.US_ASCII).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : Arrays.asList(lines).subList(1, lines.length)) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    return new Response(status, headers, Arrays.copyOfRange(raw, end + 4, raw.length));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
