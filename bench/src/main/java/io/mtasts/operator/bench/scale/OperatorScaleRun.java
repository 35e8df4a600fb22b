package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.micrometer.core.instrument.Counter;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.runtime.OperatorConfig;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The operator at scale: N policies created at once and reconciled until served, the API requests
 * that took, a restart that must write nothing, the time to ready and the memory with N loaded.
 *
 * <p>Counting: the operator's client carries a {@link RequestTally}, so only the operator's own
 * requests are counted. The stand-in for the kubelet, and this driver (which creates the CRs and
 * watches their status), use clients of their own. On the mock server the count is checked
 * against what the server saw: its writes minus the driver's creates and the stand-in's status
 * updates must equal the operator's writes.
 */
final class OperatorScaleRun {

  static final String NAMESPACE_PREFIX = "mtasts-bench";
  /** The operator counts as settled when it has sent no request for this long. */
  private static final Duration QUIET = Duration.ofSeconds(2);

  private final ScaleBenchmark.Settings settings;
  private final Figures figures;
  private final PrintStream log;
  private final String namespace;
  private final boolean debug = System.getenv("BENCH_DEBUG") != null;
  private final Map<String, String> statusSeen = new ConcurrentHashMap<>();

  OperatorScaleRun(ScaleBenchmark.Settings settings, Figures figures, PrintStream log,
      String namespace) {
    this.settings = settings;
    this.figures = figures;
    this.log = log;
    this.namespace = namespace;
  }

  /** One operator instance, started and ready, with its own tally and verifier stand-in. */
  private final class Instance implements AutoCloseable {
    final RequestTally tally = new RequestTally();
    final PassingVerifier verifier = new PassingVerifier();
    final OperatorRuntime runtime;
    final double readySeconds;

    Instance(ApiTarget api, StandInPods standIn) throws Exception {
      long t0 = System.nanoTime();
      KubernetesClient client = api.client("mta-sts-operator", tally);
      runtime = OperatorRuntime.builder(OperatorConfig.from(Map.of(), Map.of(
              "MTASTS_LEADER_ELECTION", "false",
              "MTASTS_HTTP_PORT", "0",
              "MTASTS_HTTP_ADDRESS", "127.0.0.1",
              "MTASTS_WATCH_NAMESPACES", namespace,
              "MTASTS_VERIFY_CONCURRENCY", Integer.toString(settings.verifyConcurrency()),
              "MTASTS_LOG_LEVEL", "WARN")))
          .client(client)
          .probe(standIn)
          .verifier(verifier)
          .serverSideApply(api.serverSideApply())
          .exitOnStopLeading(false)
          .build()
          .start();
      awaitReady(runtime.healthPort());
      readySeconds = (System.nanoTime() - t0) / 1e9;
    }

    /** Reconciles started so far, from JOSDK's metrics. */
    double reconciles() {
      return runtime.meterRegistry().find("operator.sdk.reconciliations.started").counters()
          .stream().mapToDouble(Counter::count).sum();
    }

    @Override
    public void close() {
      runtime.close();
      runtime.client().close();
    }
  }

  void run() throws Exception {
    try (ApiTarget api = ApiTarget.choose(settings.apiServerInProcess());
        KubernetesClient driver = api.client("mta-sts-bench-driver", null);
        KubernetesClient standInClient = api.client("mta-sts-bench-stand-in", null);
        StandInPods standIn = new StandInPods(standInClient)) {
      log.println("API server: " + api.describe());
      figures.info(null, "API server", api.serverSideApply()
          ? "real (KUBECONFIG), server-side apply"
          : "mock, " + (settings.apiServerInProcess() ? "same JVM" : "own JVM")
              + ", no server-side apply");
      api.prepare(driver, namespace);
      standIn.watch(namespace);
      PolicyProgress progress = new PolicyProgress();
      Watch watch = driver.resources(MtaStsPolicy.class).inNamespace(namespace).watch(progress);
      try {
        double heapBefore = JvmUsage.heapAfterGcMib();
        try (Instance first = new Instance(api, standIn)) {
          log.printf("operator ready in %.2f s (no policies yet)%n", first.readySeconds);
          figures.info("ready_empty_s", "ready after start, no policies", first.readySeconds,
              " s");
          reconcileNewPolicies(api, driver, standIn, progress, first);
        }
        restart(api, driver, standIn, heapBefore);
      } finally {
        watch.close();
        api.cleanUp(driver, namespace);
      }
    }
  }

  /** N policies created at once, as by one kubectl apply of a directory, until all are served. */
  private void reconcileNewPolicies(ApiTarget api, KubernetesClient driver,
      StandInPods standIn, PolicyProgress progress, Instance operator) throws Exception {
    int n = settings.crs();
    api.clearServerRequests();
    operator.tally.reset();
    long standInWritesBefore = standIn.writes();
    JvmUsage.Counters usageBefore = JvmUsage.Counters.now();
    double apiCpuBefore = api.ownCpuSeconds();

    log.printf("creating %d MtaStsPolicy resources in %s ...%n", n, namespace);
    long t0 = System.nanoTime();
    createAll(driver, n);
    double createdSeconds = (System.nanoTime() - t0) / 1e9;
    boolean served = await(() -> progress.served.size() >= n, settings.phaseTimeout());
    double servedSeconds = (System.nanoTime() - t0) / 1e9;
    boolean verified = await(() -> progress.verified.size() >= n, settings.phaseTimeout());
    double verifiedSeconds = (System.nanoTime() - t0) / 1e9;
    awaitQuiet(operator);
    JvmUsage.Counters usage = JvmUsage.Counters.now().since(usageBefore);
    double apiCpu = api.ownCpuSeconds() - apiCpuBefore;
    log.printf("created in %.1f s; served %d/%d in %.1f s; served and verified %d/%d in %.1f s%n",
        createdSeconds, progress.served.size(), n, servedSeconds, progress.verified.size(), n,
        verifiedSeconds);
    if (debug) {
      JvmUsage.cpuByThread().stream().limit(15).forEach(e ->
          log.printf("cpu %7.2f s  %s%n", e.getValue(), e.getKey()));
    }

    figures.info("crs", "policies (CRs)", n, "");
    figures.atMost("reconcile_all_s", "all CRs served, status for their generation",
        served ? servedSeconds : Double.NaN, 60, " s");
    figures.info("verified_all_s", "... and Verified=True in status",
        verified ? verifiedSeconds : Double.NaN, " s");
    if (!served) {
      figures.note("only " + progress.served.size() + " of " + n + " CRs were served within "
          + settings.phaseTimeout().toSeconds() + " s");
    }
    figures.info("operator_cpu_s", "CPU time of the operator JVM meanwhile (with stand-in,"
        + " driver)", usage.cpuSeconds(), " s");
    figures.info(null, "  of which JIT compilation / GC", Figures.format(usage.jitSeconds())
        + " s / " + Figures.format(usage.gcSeconds()) + " s");
    figures.info("threads_started", "threads started in the operator JVM meanwhile",
        usage.threadsStarted(), "");
    if (!Double.isNaN(apiCpu)) {
      figures.info("apiserver_cpu_s", "CPU time of the mock API server JVM meanwhile", apiCpu,
          " s");
    }
    childrenCheck(driver, n);
    if (standIn.failedWrites() > 0) {
      figures.note(standIn.failedWrites() + " status updates of the stand-in failed (a newer"
          + " Deployment arrived meanwhile and was marked instead)");
    }
    if (standIn.reverted() > 0) {
      figures.note(standIn.reverted() + " rollouts the stand-in marked complete were marked"
          + " incomplete again by the cluster's Deployment controller (no nodes run the pods);"
          + " the operator's writes include its reaction to that");
    }

    long operatorWrites = operator.tally.writes();
    figures.atMost("writes_per_cr", "operator writes per new CR",
        (double) operatorWrites / n, 7, "");
    figures.info("requests_per_cr", "operator requests per new CR (all verbs)",
        (double) operator.tally.total() / n, "");
    printTally("requests while reconciling " + n + " new CRs", operator.tally, n);
    long standInWrites = standIn.writes() - standInWritesBefore;
    api.serverWrites().ifPresent(serverWrites -> {
      long byOperator = serverWrites - n - standInWrites;
      String check = byOperator == operatorWrites ? "agrees" : "DISAGREES";
      log.printf("server-side check: the API server saw %d writes = %d creates by the driver"
          + " + %d stand-in status updates + %d by the operator: %s with the operator's"
          + " tally (%d)%n", serverWrites, n, standInWrites, byOperator, check, operatorWrites);
      figures.info(null, "server-side count of operator writes", byOperator + " (" + check
          + ")");
    });
    if (debug) {
      showStatus(driver, "after creation");
    }
  }

  /**
   * A restart against the same API server: every policy is reconciled (and verified) again and
   * nothing may be written. Then the memory with N policies loaded.
   */
  private void restart(ApiTarget api, KubernetesClient driver, StandInPods standIn,
      double heapBefore) throws Exception {
    int n = settings.crs();
    api.clearServerRequests();
    long standInWritesBefore = standIn.writes();
    try (Instance operator = new Instance(api, standIn)) {
      log.printf("operator restarted, ready in %.2f s with %d CRs%n", operator.readySeconds, n);
      figures.atMost("ready_s", "ready after start, " + n + " CRs loaded",
          operator.readySeconds, 5, " s");
      long t0 = System.nanoTime();
      boolean resynced = await(() -> operator.reconciles() >= n
          && operator.verifier.calls() >= n, settings.phaseTimeout());
      double resyncSeconds = (System.nanoTime() - t0) / 1e9;
      awaitQuiet(operator);
      figures.info("resync_s", "restart: every CR reconciled and verified again",
          resynced ? resyncSeconds : Double.NaN, " s");
      figures.atMost("noop_writes", "writes on a restart (no-op resync)",
          operator.tally.writes(), 0, "");
      printTally("requests of the restarted operator (" + Figures.format(operator.reconciles())
          + " reconciles)", operator.tally, n);
      api.serverWrites().ifPresent(w -> figures.info(null,
          "server-side writes during the resync (stand-in: "
              + (standIn.writes() - standInWritesBefore) + ")", Long.toString(w)));
      if (debug) {
        showStatus(driver, "after restart");
      }
      reportMemory(api, operator, heapBefore);
    }
  }

  private void reportMemory(ApiTarget api, Instance operator, double heapBefore) {
    int n = settings.crs();
    double heap = JvmUsage.heapAfterGcMib();
    double rss = JvmUsage.rssMib();
    String nmt = JvmUsage.nativeMemorySummary();
    if (!nmt.isEmpty()) {
      log.println(nmt);
    }
    if (debug) {
      log.println(JvmUsage.heapHistogram(40));
      Map<String, Long> meters = new TreeMap<>();
      operator.runtime.meterRegistry().getMeters().forEach(m -> meters.merge(
          m.getId().getName() + " " + m.getId().getType(), 1L, Long::sum));
      meters.forEach((k, v) -> log.println("meters " + v + " " + k));
    }
    String with = settings.apiServerInProcess() && !api.serverSideApply()
        ? " (operator + mock API server)" : " (operator JVM)";
    figures.atMost("heap_mib", "heap after full GC, " + n + " CRs" + with, heap, 256, " MiB");
    figures.info("operator_heap_mib", "  of which the operator (heap now - before it started)",
        heap - heapBefore, " MiB");
    figures.info("rest_heap_mib", "  before the operator started: clients, stand-in, driver"
        + (settings.apiServerInProcess() ? ", API server" : ""), heapBefore, " MiB");
    figures.atMost("rss_mib", "RSS" + with + ", " + n + " CRs", rss, 512, " MiB");
    figures.info("xmx_mib", "max heap (-Xmx)", JvmUsage.maxHeapMib(), " MiB");
    api.ownMemoryMib().ifPresent(m -> {
      figures.info("apiserver_heap_mib", "mock API server JVM: heap after full GC", m[0],
          " MiB");
      figures.info("apiserver_rss_mib", "mock API server JVM: RSS", m[1], " MiB");
    });
  }

  /**
   * BENCH_DEBUG: the first status whose content changed since the last call (a restart should
   * change none), and the status and Events of the first policy.
   */
  private void showStatus(KubernetesClient driver, String when) {
    for (MtaStsPolicy p : driver.resources(MtaStsPolicy.class).inNamespace(namespace).list()
        .getItems()) {
      String yaml = driver.getKubernetesSerialization().asYaml(p.getStatus());
      String old = statusSeen.put(p.getMetadata().getName(), yaml);
      if (old != null && !old.equals(yaml)) {
        log.println("=== status changed: " + p.getMetadata().getName() + "\n--- before\n" + old
            + "\n--- after\n" + yaml);
        break;
      }
    }
    String name = PolicyResources.name(0);
    log.println("=== " + when + ": status of " + name);
    MtaStsPolicy p = driver.resources(MtaStsPolicy.class).inNamespace(namespace).withName(name)
        .get();
    log.println(driver.getKubernetesSerialization().asYaml(p.getStatus()));
    driver.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(name))
        .forEach(e -> log.println("event " + e.getType() + " " + e.getReason() + ": "
            + e.getMessage()));
  }

  private void createAll(KubernetesClient driver, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        MtaStsPolicy policy = PolicyResources.policy(i, namespace);
        pending.add(pool.submit(() -> driver.resource(policy).create()));
      }
      for (Future<?> f : pending) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private void childrenCheck(KubernetesClient driver, int n) {
    List<String> counts = new ArrayList<>();
    boolean complete = true;
    for (Class<? extends HasMetadata> kind : List.of(ConfigMap.class, Service.class,
        Deployment.class, Ingress.class)) {
      int found = driver.resources(kind).inNamespace(namespace)
          .withLabel(ChildNames.MANAGED_BY_LABEL, ChildNames.MANAGED_BY).list().getItems().size();
      complete &= found == n;
      counts.add(HasMetadata.getKind(kind) + " " + found);
    }
    log.println("children: " + String.join(", ", counts));
    figures.info(null, "children present", (complete ? "all: " : "INCOMPLETE: ")
        + String.join(", ", counts));
  }

  private void printTally(String title, RequestTally tally, int n) {
    log.println(title + ", by verb and resource (total, per CR):");
    tally.snapshot().forEach((k, v) -> log.printf("  %-8s %-28s %7d  %6.2f%s%n", k.verb(),
        k.resource(), v, (double) v / n, k.isWrite() ? "  write" : ""));
  }

  /** Waits until the operator has sent no request and started no reconcile for a while. */
  private void awaitQuiet(Instance instance) throws InterruptedException {
    long deadline = System.nanoTime() + settings.phaseTimeout().toNanos();
    double reconciles = instance.reconciles();
    while (System.nanoTime() < deadline) {
      Thread.sleep(QUIET.toMillis() / 4);
      double now = instance.reconciles();
      if (instance.tally.nanosSinceLastRequest() > QUIET.toNanos() && now == reconciles) {
        return;
      }
      reconciles = now;
    }
  }

  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static void awaitReady(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the operator did not become ready within 60 s");
  }

  /** Which policies are served, and served and verified, for their current generation. */
  private static final class PolicyProgress implements Watcher<MtaStsPolicy> {
    final Set<String> served = ConcurrentHashMap.newKeySet();
    final Set<String> verified = ConcurrentHashMap.newKeySet();

    @Override
    public void eventReceived(Action action, MtaStsPolicy p) {
      String name = p.getMetadata().getName();
      var status = p.getStatus();
      boolean current = status != null && Objects.equals(status.getObservedGeneration(),
          p.getMetadata().getGeneration());
      if (current && isTrue(p, ConditionTypes.POLICY_SERVED)) {
        served.add(name);
        if (isTrue(p, ConditionTypes.VERIFIED)) {
          verified.add(name);
        }
      }
    }

    private static boolean isTrue(MtaStsPolicy p, String type) {
      return p.getStatus().condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    @Override
    public void onClose(WatcherException cause) {}
  }
}
