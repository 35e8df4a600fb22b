package io.mtasts.operator.serve;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mtasts.operator.runtime.HealthServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code serve} process: the policy watch, the policy listener and the management listener
 * ({@code /healthz}, {@code /readyz}, {@code /metrics}).
 */
public final class ServeRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServeRuntime.class);

  private final PolicyHosts hosts = new PolicyHosts();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PolicyWatch watch;
  /** Received TLS reports are written to their ConfigMaps at most this often. */
  static final Duration REPORT_FLUSH = Duration.ofSeconds(5);
  private final ReportStore reports;
  private final PolicyHttpServer http;
  private final HealthServer management;
  private volatile boolean stopping;

  private ServeRuntime(KubernetesClient client, ServeConfig config, HttpSettings settings)
      throws InterruptedException {
    watch = new PolicyWatch(client, config.server(), config.namespaces(), hosts);
    Gauge.builder("mtasts.serve.hosts", hosts, PolicyHosts::size)
        .description("Policy hosts the server answers for")
        .register(registry);
    reports = new ReportStore(client, config.server().split("/", 2)[0], Clock.systemUTC(),
        REPORT_FLUSH);
    Routes routes = new Routes(Map.of(PolicyRoute.PATH, new PolicyRoute(hosts, watch::isReady),
        ReportRoute.PATH, new ReportRoute(hosts, watch::isReady, ClientRateLimit.defaults(),
            reports, Clock.systemUTC())));
    http = PolicyHttpServer.start(settings, routes, registry);
    try {
      management = new HealthServer(config.address(), config.managementPort(),
          this::liveness, this::readiness, registry::scrape);
    } catch (IOException e) {
      http.close(Duration.ZERO);
      throw new UncheckedIOException("cannot listen on management port "
          + config.managementPort() + ": " + e.getMessage(), e);
    }
    watch.start();
    reports.start();
    LOG.info("serving policies of {} on port {} (management port {})", config.server(),
        http.port(), management.port());
  }

  /** Starts serving; the policy port answers at once, and is ready after the first list. */
  public static ServeRuntime start(KubernetesClient client, ServeConfig config)
      throws InterruptedException {
    return start(client, config, HttpSettings.defaults(config.address(), config.port()));
  }

  public static ServeRuntime start(KubernetesClient client, ServeConfig config,
      HttpSettings settings) throws InterruptedException {
    return new ServeRuntime(client, config, settings);
  }

  public int port() {
    return http.port();
  }

  public int managementPort() {
    return management.port();
  }

  public boolean isReady() {
    return !stopping && watch.isReady();
  }

  private HealthServer.Check liveness() {
    boolean ok = http.isRunning() && watch.isHealthy();
    return new HealthServer.Check(ok, ok ? "ok" : watch.detail());
  }

  private HealthServer.Check readiness() {
    if (stopping) {
      return new HealthServer.Check(false, "shutting down");
    }
    return new HealthServer.Check(watch.isReady(), watch.detail());
  }

  /**
   * Reports unready, stops accepting connections, lets answers in progress finish, then stops
   * the watch.
   */
  @Override
  public void close() {
    stopping = true;
    http.close(Duration.ofSeconds(5));
    reports.close();
    watch.close();
    management.close();
  }
}
