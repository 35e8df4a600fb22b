package io.mtasts.operator.bench.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mtasts.operator.serve.HttpSettings;
import io.mtasts.operator.serve.PolicyHosts;
import io.mtasts.operator.serve.PolicyHttpServer;
import io.mtasts.operator.serve.PolicyRoute;
import io.mtasts.operator.serve.Reply;
import io.mtasts.operator.serve.Request;
import io.mtasts.operator.serve.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One policy server backend on 127.0.0.1 with many policy hosts, for bench/http.sh to load with
 * wrk. The JDK and Netty backends answer through the same {@link Routes}, so only the HTTP layer
 * differs; nginx serving one static file is the yardstick.
 *
 * <p>Usage: {@code HttpServerBenchmark jdk|netty|nginx HOSTS THREADS}; prints {@code LISTENING port}
 * and runs until killed.
 */
public final class HttpServerBenchmark {

  private HttpServerBenchmark() {}

  public static void main(String[] args) throws Exception {
    String backend = args[0];
    int count = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    PolicyHosts hosts = new PolicyHosts();
    for (int i = 1; i <= count; i++) {
      String domain = "d" + i + ".example";
      String policy = "version: STSv1\r\nmode: enforce\r\nmx: mx1." + domain + "\r\nmx: mx2."
          + domain + "\r\nmax_age: 604800\r\n";
      hosts.put(new PolicyHosts.Entry("bench/p" + i, domain, Instant.EPOCH, "uid-" + i,
          policy.getBytes(StandardCharsets.UTF_8)));
    }
    Routes routes = new Routes(Map.of(PolicyRoute.PATH, new PolicyRoute(hosts, () -> true)));
    int port;
    switch (backend) {
      case "netty" -> port = PolicyHttpServer.start(
          HttpSettings.defaults("127.0.0.1", 0).withThreads(threads), routes,
          new SimpleMeterRegistry()).port();
      case "jdk" -> port = jdk(routes, threads);
      case "nginx" -> {
        // the yardstick: nginx serving one static file for every host, as in bench/shared.sh
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("http-bench-nginx");
        var nginx = io.mtasts.operator.bench.scale.LoadGenerator.Nginx.start(dir,
            "version: STSv1\r\nmode: enforce\r\nmx: mx1.d1.example\r\nmx: mx2.d1.example\r\n"
                + "max_age: 604800\r\n");
        Runtime.getRuntime().addShutdownHook(new Thread(nginx::close));
        port = nginx.port();
      }
      default -> throw new IllegalArgumentException("backend must be jdk, netty or nginx");
    }
    System.out.println("LISTENING " + port);
    System.out.flush();
    new CountDownLatch(1).await();
  }

  /** The JDK's server as it is best used: a fixed pool of handler threads. */
  private static int jdk(Routes routes, int threads) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    server.setExecutor(pool);
    server.createContext("/", ex -> answer(ex, routes));
    server.start();
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, Routes routes) throws IOException {
    try (ex; InputStream in = ex.getRequestBody()) {
      byte[] body = in.readAllBytes();
      Reply reply = routes.answer(new Request(ex.getRequestMethod(),
          ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Host"),
          ex.getRequestHeaders().getFirst("Content-Type"), body));
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      reply.headers().forEach(ex.getResponseHeaders()::set);
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(reply.status(), head ? -1 : reply.body().length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }
}
