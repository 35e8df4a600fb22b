package io.mtasts.operator.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mtasts.operator.reconciler.CrdPresence;
import io.mtasts.operator.reconciler.DomainVerifier;
import io.mtasts.operator.reconciler.EndpointProbe;
import io.mtasts.operator.reconciler.PolicyMetrics;
import io.mtasts.operator.reconciler.HttpServedPolicyProbe;
import io.mtasts.operator.reconciler.MtaStsPolicyReconciler;
import io.mtasts.operator.reconciler.status.PolicyEvents;
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import io.mtasts.operator.verify.Verifier;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles and runs the operator: the JOSDK operator with the policy reconciler, leader
 * election, metrics, and the health endpoint. Production uses JOSDK's defaults (server-side apply
 * on); tests and the demo, whose API server has no server-side apply, switch it off.
 */
public final class OperatorRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);
  /** One GET of the policy from one pod. */
  private static final Duration PROBE_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** All GETs of one policy's check together; the reconcile looks again later. */
  private static final Duration PROBE_OVERALL_BOUND = Duration.ofSeconds(15);
  /** Probe requests at once across all policies: a rollout is rarely more than a few pods. */
  private static final int PROBE_THREADS = 4;

  private final OperatorConfig config;
  private final KubernetesClient client;
  private final Operator operator;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final MtaStsPolicyReconciler reconciler;
  private final EndpointProbe endpointProbe;
  private HealthServer health;

  private OperatorRuntime(Builder b) {
    this.config = b.config;
    this.client = b.client != null ? b.client : new KubernetesClientBuilder()
        .withKubernetesSerialization(readingSerialization()).build();
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Clock clock = b.clock;
    ServedPolicyProbe probe = b.probe != null ? b.probe
        : new HttpServedPolicyProbe(PROBE_REQUEST_TIMEOUT);
    this.endpointProbe = new EndpointProbe(probe, config.probeAllowLoopback(),
        PROBE_OVERALL_BOUND, PROBE_THREADS);
    boolean ssa = b.serverSideApply;
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(b.client == null)
          .withSSABasedCreateUpdateMatchForDependentResources(ssa)
          .withUseSSAToPatchPrimaryResource(ssa)
          // per controller: per resource, JOSDK's timer alone cost about 20 KiB of heap and
          // some 75 series per policy; the per-policy view is PolicyMetrics' gauges
          .withMetrics(MicrometerMetrics.newMicrometerMetricsBuilder(registry)
              .notCollectingMetricsPerResource()
              .build());
      if (config.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            config.leaseName(),
            config.leaseNamespace().orElse(null),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
            config.identity().orElse(null),
            new LeaderCallbacks(
                () -> {
                  leading.set(true);
                  LOG.info("Leading: this instance reconciles now");
                },
                () -> leading.set(false),
                identity -> LOG.info("Leader is {}", identity)),
            b.exitOnStopLeading));
      }
    });
    DomainVerifier verifier = b.verifier;
    if (verifier == null) {
      Verifier live = new Verifier(config.verifierSettings());
      verifier = live::verify;
    }
    this.reconciler = new MtaStsPolicyReconciler(
        config.reconcilerSettings(),
        endpointProbe,
        new CrdPresence(client, clock, Duration.ofMinutes(1)),
        new PolicyEvents(client, clock),
        clock,
        verifier,
        config.verifyConcurrency(),
        new PolicyMetrics(registry, clock));
    operator.register(reconciler, c -> {
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
    });
  }

  /**
   * The serialization an operator's client needs: reading tolerates fields it does not know (a
   * resource written against a newer CRD), since failing to read one resource would stop the
   * informer for all of them. Clients given to {@link Builder#client} should use it.
   */
  public static KubernetesSerialization readingSerialization() {
    return new KubernetesSerialization(new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false), true);
  }

  public static Builder builder(OperatorConfig config) {
    return new Builder(config);
  }

  /** Options for where the operator runs; only the configuration is required. */
  public static final class Builder {
    private final OperatorConfig config;
    private KubernetesClient client;
    private ServedPolicyProbe probe;
    private DomainVerifier verifier;
    private Clock clock = Clock.systemUTC();
    private boolean serverSideApply = true;
    private boolean exitOnStopLeading = true;

    private Builder(OperatorConfig config) {
      this.config = Objects.requireNonNull(config);
    }

    /** The client to use (built with {@link #readingSerialization()}); not closed on stop. */
    public Builder client(KubernetesClient client) {
      this.client = client;
      return this;
    }

    public Builder probe(ServedPolicyProbe probe) {
      this.probe = probe;
      return this;
    }

    /** Replaces the live verifier (tests, benchmarks); the default is configured from config. */
    public Builder verifier(DomainVerifier verifier) {
      this.verifier = verifier;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Off only for API servers without server-side apply (the mock server of tests and demo). */
    public Builder serverSideApply(boolean serverSideApply) {
      this.serverSideApply = serverSideApply;
      return this;
    }

    /** Production exits when leadership is lost; tests running several instances do not. */
    public Builder exitOnStopLeading(boolean exit) {
      this.exitOnStopLeading = exit;
      return this;
    }

    public OperatorRuntime build() {
      return new OperatorRuntime(this);
    }
  }

  /** Starts the health endpoint, then the operator (which waits for leadership if enabled). */
  public OperatorRuntime start() throws IOException {
    health = new HealthServer(config.httpAddress(), config.httpPort(),
        this::liveness, this::readiness, registry::scrape);
    LOG.info("Health and metrics on {}:{} (/healthz, /readyz, /metrics)", config.httpAddress(),
        health.port());
    operator.start();
    started.set(true);
    LOG.info("Operator started; watching {}", config.watchNamespaces().isEmpty()
        ? "all namespaces" : "namespaces " + config.watchNamespaces());
    return this;
  }

  private HealthServer.Check liveness() {
    if (!started.get()) {
      return new HealthServer.Check(true, "starting");
    }
    if (config.leaderElection() && !leading.get()) {
      return new HealthServer.Check(true, "standby: waiting for leadership");
    }
    if (operator.getRuntimeInfo().allEventSourcesAreHealthy()) {
      return new HealthServer.Check(true, "ok");
    }
    return new HealthServer.Check(false,
        "unhealthy event sources: " + operator.getRuntimeInfo().unhealthyEventSources());
  }

  private HealthServer.Check readiness() {
    return started.get()
        ? new HealthServer.Check(true, "ready")
        : new HealthServer.Check(false, "starting");
  }

  public boolean isLeading() {
    return leading.get();
  }

  public int healthPort() {
    return health.port();
  }

  public KubernetesClient client() {
    return client;
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /** Stops reconciling, then the endpoint; in-flight reconciles get time to finish. */
  @Override
  public void close() {
    try {
      operator.stop();
    } finally {
      reconciler.close();
      endpointProbe.close();
      if (health != null) {
        health.close();
      }
    }
  }
}
