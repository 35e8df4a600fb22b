package io.mtasts.operator.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's small HTTP endpoint: {@code /healthz} (liveness: event sources healthy),
 * {@code /readyz} (readiness: started) and {@code /metrics} (Prometheus text).
 */
public final class HealthServer implements AutoCloseable {

  /** A probe's answer: healthy or not, and a line saying why. */
  public record Check(boolean ok, String detail) {}

  private final HttpServer server;

  public HealthServer(
      String address, int port, Supplier<Check> liveness, Supplier<Check> readiness,
      Supplier<String> metrics) throws IOException {
    server = HttpServer.create(new InetSocketAddress(address, port), 16);
    server.createContext("/healthz", ex -> answer(ex, liveness.get()));
    server.createContext("/readyz", ex -> answer(ex, readiness.get()));
    server.createContext("/metrics", ex -> send(ex, 200,
        "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "health-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, Check check) throws IOException {
    send(ex, check.ok() ? 200 : 503, "text/plain; charset=utf-8", check.detail() + "\n");
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    try (ex) {
      if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
        status = 404;
        body = "not found\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
