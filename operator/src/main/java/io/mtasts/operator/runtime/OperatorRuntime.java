package io.mtasts.operator.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.reconciler.CrdPresence;
import io.mtasts.operator.reconciler.DomainVerifier;
import io.mtasts.operator.reconciler.EndpointProbe;
import io.mtasts.operator.reconciler.PrunedItemStore;
import io.mtasts.operator.reconciler.PolicyMetrics;
import io.mtasts.operator.reconciler.tlsrpt.ReceivedReportsWatch;
import io.mtasts.operator.reconciler.tlsrpt.TlsRptMetrics;
import io.mtasts.operator.reconciler.HttpServedPolicyProbe;
import io.mtasts.operator.reconciler.MtaStsPolicyReconciler;
import io.mtasts.operator.reconciler.MxGuard;
import io.mtasts.operator.reconciler.PolicyRetirementReconciler;
import io.mtasts.operator.reconciler.status.PolicyEvents;
import io.mtasts.operator.reconciler.ServedPolicyProbe;
import io.mtasts.operator.reconciler.server.PolicyServerReconciler;
import io.mtasts.operator.reconciler.server.ServerRecount;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.verify.HostLookup;
import io.mtasts.operator.verify.MailHostsLookup;
import io.mtasts.operator.verify.Verifier;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
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
  /**
   * Probe requests at once across all policies: a rollout is rarely more than a few pods, but
   * thousands of policies of a shared server probe the same pods, and with fewer threads than
   * reconciles the probes queue behind each other (each is a short GET inside the cluster).
   */
  private static final int PROBE_THREADS = 16;

  /**
   * Reconciles at once. Each waits on the API server most of its time, so a few dozen keep it
   * busy; JOSDK's default of 50 let 10,000 new policies queue so many requests at a saturated API
   * server that the Lease renewals, sent through the same client, took longer than the renew
   * deadline: the fence then refused every write until a renewal got through.
   */
  static final int RECONCILE_THREADS = 16;

  /** How long running reconciles may take to finish on shutdown. */
  public static final Duration RECONCILE_TERMINATION_TIMEOUT = Duration.ofSeconds(10);

  private final OperatorConfig config;
  private final KubernetesClient client;
  private final Operator operator;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final String identity;
  private final boolean ownsClient;
  private final String leaseNamespace;
  private final MtaStsPolicyReconciler reconciler;
  private final PolicyRetirementReconciler retirement;
  private final EndpointProbe endpointProbe;
  private final PolicyServerReconciler serverReconciler;
  private final ReceivedReportsWatch receivedReports;
  private HealthServer health;

  private OperatorRuntime(Builder b) {
    this.config = b.config;
    this.client = b.client != null ? b.client : new KubernetesClientBuilder()
        .withKubernetesSerialization(readingSerialization())
        .withHttpClientBuilderConsumer(http -> {
          if (config.leaderElection()) {
            // the elector itself gives up after the renew deadline; writes stop there too
            http.addOrReplaceInterceptor(LeaseFence.NAME, new LeaseFence(config.leaseName(),
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE, b.clock));
          }
        })
        .build();
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Clock clock = b.clock;
    ServedPolicyProbe probe = b.probe != null ? b.probe
        : new HttpServedPolicyProbe(PROBE_REQUEST_TIMEOUT);
    this.endpointProbe = new EndpointProbe(probe, config.probeAllowLoopback(),
        PROBE_OVERALL_BOUND, PROBE_THREADS);
    boolean ssa = b.serverSideApply;
    this.ownsClient = b.client == null;
    this.identity = config.identity().orElseGet(OperatorRuntime::generatedIdentity);
    this.leaseNamespace = leaseNamespace(config, client);
    boolean exitOnLostLeadership = b.exitOnStopLeading;
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          // closed here after the Lease is released, which needs the client
          .withCloseClientOnStop(false)
          .withSSABasedCreateUpdateMatchForDependentResources(ssa)
          // JOSDK adds and removes finalizers with JSON patches then: an apply of only the
          // finalizer, from an event older than the deletion, would create the policy again
          // without its spec (an apply creates what is missing); the status writes choose
          // server-side apply by the setting above (PolicyStatusWrite.serverSideApply)
          .withUseSSAToPatchPrimaryResource(false)
          // on SIGTERM, reconciles in flight get this long to finish (the chart's
          // terminationGracePeriodSeconds leaves room for it and for releasing the Lease)
          .withReconciliationTerminationTimeout(RECONCILE_TERMINATION_TIMEOUT)
          .withConcurrentReconciliationThreads(RECONCILE_THREADS)
          // per controller: per resource, JOSDK's timer alone cost about 20 KiB of heap and
          // some 75 series per policy; the per-policy view is PolicyMetrics' gauges
          .withMetrics(MicrometerMetrics.newMicrometerMetricsBuilder(registry)
              .notCollectingMetricsPerResource()
              .build());
      if (config.leaderElection()) {
        // JOSDK would call System.exit when leadership ends, also when it ends because this
        // process is shutting down; exit from inside a shutdown hook blocks the JVM. This class
        // decides instead: exit only when leadership is lost while running.
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            config.leaseName(),
            leaseNamespace,
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
            identity,
            new LeaderCallbacks(
                () -> {
                  leading.set(true);
                  LOG.info("Leading: this instance reconciles now");
                },
                () -> stoppedLeading(exitOnLostLeadership),
                leader -> LOG.info("Leader is {}", leader)),
            false));
      }
    });
    DomainVerifier verifier = b.verifier;
    if (verifier == null) {
      Verifier live = new Verifier(config.verifierSettings());
      verifier = live::verify;
    }
    PolicyEvents events = new PolicyEvents(client, clock);
    PolicyMetrics policyMetrics = new PolicyMetrics(registry, clock);
    MxGuard mxGuard = new MxGuard(b.mailHosts != null ? b.mailHosts
        : new MailHostsLookup(config.verifierSettings())::lookup,
        clock, config.reconcilerSettings().verifyInterval());
    CrdPresence crds = new CrdPresence(client, clock, Duration.ofMinutes(1));
    this.reconciler = new MtaStsPolicyReconciler(config.reconcilerSettings(), endpointProbe,
        crds, events, clock, verifier, config.verifyConcurrency(), policyMetrics, mxGuard,
        config.retirementMaxHold());
    // a second controller over the policies that must be retired when deleted; it shares the
    // metrics, so a policy's series stay one
    this.retirement = new PolicyRetirementReconciler(config.reconcilerSettings(), endpointProbe,
        crds, events, clock, verifier, config.verifyConcurrency(), policyMetrics, mxGuard,
        config.retirementMaxHold());
    ServerRecount serverRecount = new ServerRecount();
    reconciler.reportSharedServingTo(serverRecount);
    retirement.reportSharedServingTo(serverRecount);
    HostLookup hosts = new HostLookup(config.verifierSettings());
    reconciler.resolveHostsWith(hosts::lookup);
    retirement.resolveHostsWith(hosts::lookup);
    LeaderGauge.register(registry, this::reconciles);
    operator.register(reconciler, c -> {
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
      // the policies are read from the cache, never written back whole
      c.withItemStore(PrunedItemStore.bookkeepingOnly());
    });
    operator.register(retirement, c -> {
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
      c.withItemStore(PolicyRetirementReconciler.cacheStore());
    });
    this.serverReconciler = new PolicyServerReconciler(config.serverSettings(), clock,
        serverRecount);
    this.receivedReports = new ReceivedReportsWatch(client, config.watchNamespaces(),
        new TlsRptMetrics(registry), events, this::reconciles, clock);
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
    private Function<String, MailHostsLookup.MailHosts> mailHosts;
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

    /**
     * Replaces the MX lookup of the MX guard (the demo's local DNS); the default asks the
     * verifier's DNS servers from config.
     */
    public Builder mailHosts(Function<String, MailHostsLookup.MailHosts> lookup) {
      this.mailHosts = lookup;
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

    /**
     * Production exits when leadership is lost while running (never when it ends because the
     * runtime is closed); tests running several instances in one JVM do not.
     */
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
    preflight();
    health = new HealthServer(config.httpAddress(), config.httpPort(),
        this::liveness, this::readiness, registry::scrape);
    LOG.info("Health and metrics on {}:{} (/healthz, /readyz, /metrics)", config.httpAddress(),
        health.port());
    operator.start();
    started.set(true);
    receivedReports.start();
    LOG.info("Operator started; watching {}", config.watchNamespaces().isEmpty()
        ? "all namespaces" : "namespaces " + config.watchNamespaces());
    return this;
  }

  /**
   * Two mistakes of a first run outside a cluster that JOSDK would otherwise report as stack
   * traces, or retry forever while reporting ready: no CRD, and a Lease namespace that does not
   * exist. Checks the caller has no permission for are left to JOSDK's own reporting.
   */
  private void preflight() {
    var policies = client.resources(MtaStsPolicy.class);
    try {
      (config.watchNamespaces().isEmpty() ? policies.inAnyNamespace()
          : policies.inNamespace(config.watchNamespaces().iterator().next()))
          .list(new ListOptionsBuilder().withLimit(1L).build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        throw new StartupException("the MtaStsPolicy CRD (" + MtaStsPolicy.CRD_NAME + ") is"
            + " not installed in this cluster; apply crds/ first:"
            + " kubectl apply --server-side --force-conflicts -f crds/");
      }
    }
    registerPolicyServers();
    if (!config.leaderElection()) {
      return;
    }
    try {
      if (client.namespaces().withName(leaseNamespace).get() == null) {
        throw new StartupException("the Lease namespace '" + leaseNamespace + "' does not exist;"
            + " create it, or choose another with --lease-namespace (MTASTS_LEASE_NAMESPACE)");
      }
    } catch (KubernetesClientException e) {
      LOG.debug("cannot check that namespace {} exists: {}", leaseNamespace, e.getMessage());
    }
  }

  /**
   * Shared policy servers are reconciled when their CRD is installed and readable. Helm installs
   * new CRDs only with a first install, never on upgrade, so an upgraded operator without the
   * CRD keeps reconciling policies and says in its log what to apply.
   */
  private void registerPolicyServers() {
    var servers = client.resources(MtaStsPolicyServer.class);
    try {
      (config.watchNamespaces().isEmpty() ? servers.inAnyNamespace()
          : servers.inNamespace(config.watchNamespaces().iterator().next()))
          .list(new ListOptionsBuilder().withLimit(1L).build());
    } catch (KubernetesClientException e) {
      LOG.warn("MtaStsPolicyServer resources are not reconciled: {}", e.getCode()
          == HttpURLConnection.HTTP_NOT_FOUND
          ? "the CRD " + MtaStsPolicyServer.CRD_NAME + " is not installed; apply"
              + " crds/" + MtaStsPolicyServer.CRD_NAME + "-v1.yml and restart the operator"
          : "listing them failed (" + e.getCode() + "): " + e.getMessage());
      return;
    }
    operator.register(serverReconciler, c -> {
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
    });
  }

  /** The operator cannot start in this cluster; the message says what to do, in one line. */
  public static final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message);
    }
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

  /** Whether this instance reconciles: started, and leading unless leader election is off. */
  public boolean reconciles() {
    return started.get() && !closing.get() && (!config.leaderElection() || leading.get());
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

  /**
   * Stops reconciling (in-flight reconciles get {@link #RECONCILE_TERMINATION_TIMEOUT}), releases
   * the Lease if this instance holds it, so that a standby takes over at once instead of after the
   * lease duration, then stops the endpoint.
   */
  @Override
  public void close() {
    closing.set(true);
    boolean wasLeading = leading.get();
    try {
      operator.stop();
      if (config.leaderElection() && wasLeading) {
        releaseLease();
      }
    } finally {
      receivedReports.close();
      reconciler.close();
      retirement.close();
      if (ownsClient) {
        client.close();
      }
      endpointProbe.close();
      if (health != null) {
        health.close();
      }
    }
  }

  private void stoppedLeading(boolean exitOnLostLeadership) {
    leading.set(false);
    if (closing.get()) {
      return;
    }
    if (exitOnLostLeadership) {
      // another instance may already be reconciling; a restart rejoins the election cleanly.
      // Not from this thread: the elector's own callbacks must not block on the exit.
      LOG.error("Lost the Lease {}/{}; exiting so that the restarted process rejoins the"
          + " election", leaseNamespace, config.leaseName());
      new Thread(() -> System.exit(1), "exit-on-lost-leadership").start();
    } else {
      LOG.warn("Lost the Lease {}/{}; standing by", leaseNamespace, config.leaseName());
    }
  }

  /** Marks the Lease free, as Fabric8's release-on-cancel does, if this instance still holds it. */
  private void releaseLease() {
    LeaseLock lock = new LeaseLock(leaseNamespace, config.leaseName(), identity);
    try {
      LeaderElectionRecord current = lock.get(client);
      if (current == null || !identity.equals(current.getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      lock.update(client, new LeaderElectionRecord(null, Duration.ofSeconds(1), now, now,
          current.getLeaderTransitions()));
      LOG.info("Released the Lease {}/{}", leaseNamespace, config.leaseName());
    } catch (RuntimeException e) {
      // the standby then takes over when the lease expires, as without a release
      LOG.warn("Could not release the Lease {}/{}: {}", leaseNamespace, config.leaseName(),
          e.getMessage());
    }
  }

  private static String generatedIdentity() {
    String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank())
        .orElse("mta-sts-operator");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The Lease's namespace: the configured one, else the client's (in a pod, its own namespace;
   * outside, the kubeconfig context's), else {@code default}, which is said in the log.
   */
  private static String leaseNamespace(OperatorConfig config, KubernetesClient client) {
    if (config.leaseNamespace().isPresent()) {
      return config.leaseNamespace().get();
    }
    String fromClient = client.getConfiguration().getNamespace();
    if (fromClient != null && !fromClient.isBlank()) {
      return fromClient;
    }
    if (config.leaderElection()) {
      LOG.info("The Lease is in namespace 'default': set --lease-namespace,"
          + " MTASTS_LEASE_NAMESPACE or POD_NAMESPACE, or a namespace in the kubeconfig context,"
          + " to choose another");
    }
    return "default";
  }
}
