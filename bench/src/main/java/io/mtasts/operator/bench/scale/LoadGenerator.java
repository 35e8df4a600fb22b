package io.mtasts.operator.bench.scale;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * wrk (Debian's package) with bench/http.lua: keep-alive connections, each request for another of
 * the N policy hosts; a short warm-up, then the measured run. And the yardstick it is compared
 * with: a local nginx serving one static file.
 */
public final class LoadGenerator {

  /** What one measured run gave. */
  record Result(double rps, double p50Ms, double p99Ms, long errors, long non2xx) {
    /** Several runs as one: mean requests/s and p50, the worst p99, all errors. */
    static Result of(List<Result> runs) {
      return new Result(
          runs.stream().mapToDouble(Result::rps).average().orElseThrow(),
          runs.stream().mapToDouble(Result::p50Ms).average().orElseThrow(),
          runs.stream().mapToDouble(Result::p99Ms).max().orElseThrow(),
          runs.stream().mapToLong(Result::errors).sum(),
          runs.stream().mapToLong(Result::non2xx).sum());
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%.0f requests/s p50 %.2f ms p99 %.2f ms"
          + " errors %d non-200 %d", rps, p50Ms, p99Ms, errors, non2xx);
    }
  }

  private final Path script;
  private final int hosts;
  private final int connections;
  private final int seconds;
  private final Path out;

  LoadGenerator(Path script, int hosts, int connections, int seconds, Path out) {
    this.script = script;
    this.hosts = hosts;
    this.connections = connections;
    this.seconds = seconds;
    this.out = out;
  }

  Result run(String url) throws IOException, InterruptedException {
    wrk(url, 3);
    String line = wrk(url, seconds).lines().filter(l -> l.startsWith("WRK "))
        .findFirst().orElseThrow(() -> new IllegalStateException("wrk printed no WRK line"));
    Map<String, Long> v = new HashMap<>();
    for (String kv : line.substring(4).trim().split(" ")) {
      String[] p = kv.split("=");
      v.put(p[0], Long.parseLong(p[1]));
    }
    return new Result(v.get("requests") / (v.get("duration_us") / 1e6),
        v.get("p50_us") / 1000.0, v.get("p99_us") / 1000.0, v.get("errors"), v.get("non2xx"));
  }

  private String wrk(String url, int duration) throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + duration + "s",
        "-s", script.toString(), url).redirectErrorStream(true);
    b.environment().put("HOSTS", Integer.toString(hosts));
    Process p = b.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(duration + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + text);
    }
    Files.writeString(out.resolve("wrk.log"), url + "\n" + text + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    return text;
  }

  /** nginx on 127.0.0.1 serving one file for every host, its workers as many as CPUs. */
  public static final class Nginx implements AutoCloseable {
    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    public static Nginx start(Path dir, String body) throws IOException, InterruptedException {
      Path www = dir.resolve("www/.well-known");
      Files.createDirectories(www);
      Files.writeString(www.resolve("mta-sts.txt"), body);
      Files.setPosixFilePermissions(www.resolve("mta-sts.txt"),
          PosixFilePermissions.fromString("rw-r--r--"));
      // the workers run as nobody and read the file through these directories
      for (Path p : List.of(dir, dir.resolve("www"), www)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, """
          daemon off;
          worker_processes auto;
          pid %1$s/nginx.pid;
          error_log %1$s/error.log warn;
          events { worker_connections 1024; }
          http {
            access_log off;
            default_type text/plain;
            client_body_temp_path %1$s/tmp;
            proxy_temp_path %1$s/tmp;
            fastcgi_temp_path %1$s/tmp;
            uwsgi_temp_path %1$s/tmp;
            scgi_temp_path %1$s/tmp;
            server {
              listen 127.0.0.1:%2$d;
              root %1$s/www;
            }
          }
          """.formatted(dir.toAbsolutePath(), port));
      Process p = new ProcessBuilder("nginx", "-c", conf.toAbsolutePath().toString(), "-p",
          dir.toAbsolutePath().toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("nginx.out").toFile()).start();
      for (int i = 0; i < 100; i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          return new Nginx(p, port);
        } catch (IOException e) {
          if (!p.isAlive()) {
            throw new IllegalStateException("nginx did not start: "
                + Files.readString(dir.resolve("nginx.out")));
          }
          Thread.sleep(100);
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port);
    }

    public int port() {
      return port;
    }

    String url() {
      return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
      // SIGTERM: nginx's master stops its workers
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
