package io.mtasts.operator.e2e;

import static org.awaitility.Awaitility.await;

import io.mtasts.operator.plan.WebServerConfig;
import io.mtasts.operator.testing.RequiredComponent;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The policy web server pod of the e2e suite, where no kubelet runs: the real nginx binary with
 * the configuration the operator generates, serving the bytes the test (playing the kubelet)
 * copies from the ConfigMap.
 *
 * <p>The API server refuses loopback addresses (127.0.0.0/8, ::1) in an EndpointSlice, so nginx
 * listens on an address of its own from 198.18.0.0/15 (reserved for tests, RFC 2544), added to
 * the loopback interface with host scope for the life of the server: reachable from this host
 * only, and accepted in an EndpointSlice. It listens on the pod's real port, since that address
 * is nobody else's.
 */
final class LoopbackNginx implements AutoCloseable {

  private final String address;
  private final Path dir;
  private final Path policyFile;
  private final Process nginx;
  private final Thread stopOnExit;

  private LoopbackNginx(String address, Path dir, Path policyFile, Process nginx) {
    this.address = address;
    this.dir = dir;
    this.policyFile = policyFile;
    this.nginx = nginx;
    this.stopOnExit = new Thread(this::stop);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /** Starts nginx serving an empty policy; skips (or fails under MTASTS_REQUIRE_ALL=1). */
  static LoopbackNginx start() throws IOException {
    Optional<Path> binary = findNginx();
    RequiredComponent.require(binary.isPresent(),
        "the nginx binary (on Debian or Ubuntu: apt-get install -y nginx-light)");
    String address = addLoopbackAddress();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("mta-sts-e2e-nginx");
      // run as root, nginx's workers read the policy as user nobody
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path policyFile = dir.resolve(WebServerConfig.POLICY_KEY);
      Files.write(policyFile, new byte[0]);
      Files.setPosixFilePermissions(policyFile, PosixFilePermissions.fromString("rw-r--r--"));
      String rendered = WebServerConfig.render(
          new WebServerConfig.Paths(policyFile.toString(), WebServerConfig.PORT, dir.toString()));
      // a pod listens on every interface of its own; here only on its address
      String anyInterface = "listen " + WebServerConfig.PORT + " default_server;";
      if (!rendered.contains(anyInterface)) {
        throw new IllegalStateException("the generated configuration has no '" + anyInterface
            + "' line to bind to " + address);
      }
      Path conf = dir.resolve(WebServerConfig.CONFIG_KEY);
      Files.writeString(conf, rendered.replace(anyInterface,
          "listen " + address + ":" + WebServerConfig.PORT + " default_server;"));
      Process process = new ProcessBuilder(binary.orElseThrow().toString(), "-e", "stderr",
          "-p", dir + "/", "-c", conf.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("nginx.log").toFile())
          .start();
      LoopbackNginx server = new LoopbackNginx(address, dir, policyFile, process);
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .until(() -> !process.isAlive() || server.accepts());
      if (!process.isAlive()) {
        String log = Files.readString(dir.resolve("nginx.log"));
        server.close();
        throw new IllegalStateException("nginx exited on " + address + ":" + WebServerConfig.PORT
            + ":\n" + log);
      }
      return server;
    } catch (IOException | RuntimeException e) {
      removeLoopbackAddress(address);
      throw e;
    }
  }

  /** The address to put into the EndpointSlice. */
  String address() {
    return address;
  }

  /** What the kubelet does when the mounted ConfigMap changes: the file is replaced at once. */
  void serve(String policy) {
    try {
      Path next = dir.resolve(WebServerConfig.POLICY_KEY + ".next");
      Files.write(next, policy.getBytes(StandardCharsets.US_ASCII));
      Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(next, policyFile, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, WebServerConfig.PORT), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Adds a free address of 198.18.0.0/15 to the loopback interface; skips (or fails under
   * MTASTS_REQUIRE_ALL=1) where that is not permitted.
   */
  static String addLoopbackAddress() throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String address = "198." + (18 + random.nextInt(2)) + "." + random.nextInt(256) + "."
          + (1 + random.nextInt(254));
      if (NetworkInterface.getByInetAddress(InetAddress.getByName(address)) != null) {
        continue;
      }
      String failure = ip("addr", "add", address + "/32", "dev", "lo", "scope", "host");
      RequiredComponent.require(failure == null, "an address of its own on the loopback"
          + " interface for nginx (ip addr add " + address + "/32 dev lo needs root and"
          + " iproute2: " + failure + ")");
      return address;
    }
    throw new IllegalStateException("no free address in 198.18.0.0/15 after 5 attempts");
  }

  static void removeLoopbackAddress(String address) {
    ip("addr", "del", address + "/32", "dev", "lo");
  }

  /** Runs {@code ip} with {@code args}; null when it succeeded, otherwise what went wrong. */
  private static String ip(String... args) {
    try {
      Process p = new ProcessBuilder(Stream.concat(Stream.of("ip"), Arrays.stream(args)).toList())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "ip did not finish within 10s";
      }
      return p.exitValue() == 0 ? null : out;
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static Optional<Path> findNginx() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(Arrays.stream(path.split(File.pathSeparator)),
            Stream.of("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/local/nginx/sbin"))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "nginx"))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  private void stop() {
    List<ProcessHandle> workers = nginx.descendants().toList();
    nginx.destroy(); // SIGTERM: nginx's fast shutdown, which stops the workers too
    try {
      if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
        nginx.destroyForcibly();
        nginx.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    removeLoopbackAddress(address);
  }

  @Override
  public void close() {
    stop();
    Runtime.getRuntime().removeShutdownHook(stopOnExit);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
