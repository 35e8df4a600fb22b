package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServerSpec;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.reconciler.SharedPolicyHandover;
import io.mtasts.operator.reconciler.server.DesiredServerChildren;
import io.mtasts.operator.reconciler.server.ServerChildNames;
import io.mtasts.operator.runtime.LogSetup;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The shared-mode benchmark of {@code BENCH_MODE=shared bench/run.sh}: N policies referencing one
 * MtaStsPolicyServer on a real API server, with the operator and two {@code serve} processes as
 * separate JVMs of the production jar and an EndpointSlice pointing the server's Service at both.
 * Ends with one {@code RESULT mode=shared ...} line.
 *
 * <p>Settings (environment): BENCH_CRS (10000), BENCH_CREATE_CONCURRENCY (16),
 * BENCH_HANDOVER ({@code operator}: the operator writes {@code status.shared} and advertises;
 * {@code bench}: this program writes {@code status.shared} itself and no operator runs, which
 * measures the server side and the API server alone), BENCH_PROPAGATION_SAMPLES (50),
 * BENCH_WRK_SECONDS (10), BENCH_WRK_CONNECTIONS (64), BENCH_PHASE_TIMEOUT (seconds; default
 * 180 + N/20), BENCH_OPERATOR_JAR, BENCH_AUDIT_LOG (the API server's audit log; without it writes
 * are not counted), BENCH_OUT (directory for logs and profiles), BENCH_JFR=1 (record the
 * operator's and a server's JFR profiles there), BENCH_OPERATOR_HEAP (384m),
 * BENCH_SERVER_HEAP (128m).
 */
public final class SharedScaleBenchmark {

  static final String OPERATOR_USER = "mta-sts-bench-operator";
  private static final String SERVER_NAME = "shared";
  private static final Pattern SERVING =
      Pattern.compile("serving policies of \\S+ on port (\\d+ \\(management port \\d+)\\)");

  private final Map<String, String> env;
  private final int crs;
  private final int concurrency;
  private final boolean operatorHandover;
  private final Duration phaseTimeout;
  private final Path out;
  private final Path jar;
  private final PrintStream log = System.out;
  private final Figures figures = new Figures();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final String prefix = "mtasts-bench-"
      + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  private final String serverNs = prefix + "-srv";
  private final String policyNs = prefix + "-policies";
  private final String plainNs = prefix + "-plain";
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private KubernetesClient admin;
  private boolean closed;
  private AuditLog audit;
  private JarProcess operator;
  private final List<JarProcess> servers = new ArrayList<>();
  private final List<String> serverUrls = new ArrayList<>();
  private final List<String> managementUrls = new ArrayList<>();
  private final Map<String, MtaStsPolicy> observed = new ConcurrentHashMap<>();
  private final Map<String, Runnable> onChange = new ConcurrentHashMap<>();

  private SharedScaleBenchmark(Map<String, String> env) {
    this.env = env;
    this.crs = ScaleBenchmark.Settings.intOf(env, "BENCH_CRS", 10000, 1);
    this.concurrency = ScaleBenchmark.Settings.intOf(env, "BENCH_CREATE_CONCURRENCY", 16, 1);
    String handover = env.getOrDefault("BENCH_HANDOVER", "operator");
    if (!handover.equals("operator") && !handover.equals("bench")) {
      throw new IllegalArgumentException("BENCH_HANDOVER='" + handover + "': operator (the"
          + " operator writes status.shared and advertises) or bench (this program writes"
          + " status.shared, no operator runs) is allowed");
    }
    this.operatorHandover = handover.equals("operator");
    this.phaseTimeout = Duration.ofSeconds(
        ScaleBenchmark.Settings.intOf(env, "BENCH_PHASE_TIMEOUT", 180 + crs / 20, 1));
    this.out = Path.of(env.getOrDefault("BENCH_OUT", "bench/target/shared-run"));
    this.jar = Path.of(env.getOrDefault("BENCH_OPERATOR_JAR", "operator/target/mta-sts-operator.jar"));
  }

  public static void main(String[] args) throws Exception {
    // the checks ask each server for a policy host by name, as a sender does
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    LogSetup.apply("text", System.getenv().getOrDefault("BENCH_LOG_LEVEL", "WARN"));
    SharedScaleBenchmark run = new SharedScaleBenchmark(System.getenv());
    // stopped early (timeout, ^C): the processes and loopback addresses go all the same
    Runtime.getRuntime().addShutdownHook(new Thread(run::closeAll, "stop-everything"));
    int status = run.run();
    System.exit(status);
  }

  private int run() throws IOException {
    Files.createDirectories(out);
    figures.info("mode", "mode", "shared");
    figures.info("apiserver", "API server", "real");
    figures.info("crs", "policies", Integer.toString(crs));
    // the RESULT line's keys in their documented order, each set when measured
    figures.reserve("served_all_s", "create_only_s", "writes_per_cr", "noop_writes",
        "operator_heap_mib", "operator_rss_mib", "server_heap_mib", "server_rss_mib",
        "propagation_p99_ms", "rps", "p99_ms", "nginx_rps");
    figures.info(null, "machine", Runtime.getRuntime().availableProcessors() + " CPUs, Java "
        + System.getProperty("java.version") + ", " + loadAverage());
    figures.note(operatorHandover
        ? "handover=operator: the operator writes status.shared, probes both servers, advertises"
        : "handover=bench: the benchmark writes status.shared itself; no operator runs, so the"
            + " operator's figures are n/a and served_all_s includes the benchmark's own patch");
    int status = 0;
    try {
      measure();
    } catch (Exception | Error e) {
      figures.note("the run stopped early: " + e);
      e.printStackTrace(log);
      status = 2;
    } finally {
      closeAll();
    }
    figures.info("handover", "handover", operatorHandover ? "operator" : "bench");
    figures.info(null, "load average at the end", loadAverage());
    log.println();
    figures.printTable(log);
    log.println(figures.resultLine());
    log.flush();
    return status != 0 ? status : figures.allMet() ? 0 : 1;
  }

  /** What the Events the operator wrote were about: a count per type and reason. */
  private Map<String, Long> eventsByReason() {
    return admin.v1().events().inNamespace(policyNs).list().getItems().stream()
        .collect(java.util.stream.Collectors.groupingBy(e -> e.getType() + " " + e.getReason(),
            java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }

  private void measure() throws Exception {
    Config config = new ConfigBuilder(Config.autoConfigure(null))
        .withUserAgent("mta-sts-bench").withRequestTimeout(60_000).build();
    admin = new KubernetesClientBuilder().withConfig(config)
        .withKubernetesSerialization(OperatorRuntime.readingSerialization()).build();
    toClose.add(admin);
    String auditPath = env.get("BENCH_AUDIT_LOG");
    audit = auditPath == null || auditPath.isBlank() ? null : new AuditLog(Path.of(auditPath));
    log.printf("API server %s; namespaces %s-*; logs in %s%n", config.getMasterUrl(), prefix,
        out);
    installCrd("mtastspolicies.mtasts.io-v1.yml");
    installCrd("mtastspolicyservers.mtasts.io-v1.yml");
    for (String ns : List.of(serverNs, policyNs, plainNs)) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
          .endMetadata().build()).create();
    }

    // the API server's own ceiling: a plain client creating the same objects
    double createOnly = timed(() -> createAll(plainNs, p -> {}));
    log.printf("create only: %d policies in %.1f s%n", crs, createOnly);
    admin.resources(MtaStsPolicy.class).inNamespace(plainNs).delete();
    admin.namespaces().withName(plainNs).delete();
    awaitTrue("the plain client's policies deleted", () ->
        admin.resources(MtaStsPolicy.class).inNamespace(plainNs).list().getItems().isEmpty());

    startServerSide();
    startInformer();

    long mark = audit == null ? 0 : audit.mark();
    long start = System.nanoTime();
    createAll(policyNs, this::handOverByBench);
    double created = (System.nanoTime() - start) / 1e9;
    log.printf("created %d policies in %.1f s%n", crs, created);
    awaitTrue("every policy advertised and loaded by both servers", () ->
        advertisedCount() >= crs && serverHostCounts().stream().allMatch(n -> n >= crs));
    double servedAll = (System.nanoTime() - start) / 1e9;
    log.printf("all served after %.1f s%n", servedAll);
    int wrong = checkEveryHostServed();
    figures.atMost("served_all_s", "N new policies advertised and served by both servers",
        servedAll, 1.5 * createOnly, " s");
    figures.info("create_only_s", "the same N created by a plain client (API server's ceiling)",
        createOnly, " s");
    if (wrong > 0) {
        figures.note(wrong + " host answers differed from status.shared after all were served");
    }
    figures.info(null, "hosts answered with the wrong bytes or not at all", wrong, "");

    if (operatorHandover && audit != null) {
      awaitQuiet();
      AuditLog.Writes writes = audit.writesSince(mark, OPERATOR_USER);
      long leases = writes.byKind().entrySet().stream()
          .filter(e -> e.getKey().endsWith(" leases")).mapToLong(Map.Entry::getValue).sum();
      figures.atMost("writes_per_cr", "API writes of the operator per new policy (audit log)",
          (writes.total() - leases) / (double) crs, 5, "");
      figures.note("operator writes during creation: " + writes.byKind() + ", refused "
          + writes.refused() + " (Lease renewals are not counted per policy)");
      figures.note("Events of the policies by type and reason: " + eventsByReason());
    } else {
      figures.info("writes_per_cr", "API writes per new policy", "n/a");
    }
    memory();

    if (operatorHandover && audit != null) {
      figures.atMost("noop_writes", "writes after an operator restart with nothing changed",
          restartWrites(), 0, "");
    } else {
      figures.info("noop_writes", "writes after a restart", "n/a");
    }
    // memory is reported as after creation; the restarted operator's memory is noted
    figures.atMost("propagation_p99_ms", operatorHandover
        ? "spec change -> id advertised, p99" : "status.shared written -> both servers serve it, p99",
        propagation(), 5000, " ms");
    loadTest();
  }

  // ---- setup

  private void installCrd(String file) throws IOException {
    try (InputStream in = SharedScaleBenchmark.class.getResourceAsStream("/META-INF/fabric8/"
        + file)) {
      CustomResourceDefinition crd = admin.getKubernetesSerialization()
          .unmarshal(Objects.requireNonNull(in, file), CustomResourceDefinition.class);
      admin.resource(crd).forceConflicts().fieldManager("mta-sts-bench").serverSideApply();
      admin.resource(crd).waitUntilCondition(c -> c.getStatus() != null
          && c.getStatus().getConditions() != null
          && c.getStatus().getConditions().stream().anyMatch(x ->
              "Established".equals(x.getType()) && "True".equals(x.getStatus())),
          60, TimeUnit.SECONDS);
    }
  }

  private void startServerSide() throws Exception {
    MtaStsPolicyServerSpec spec = new MtaStsPolicyServerSpec();
    spec.setPolicyNamespaces(List.of(policyNs));
    MtaStsPolicyServer server = admin.resource(new MtaStsPolicyServer(serverNs, SERVER_NAME,
        spec)).create();
    String child = ServerChildNames.of(server);
    if (operatorHandover) {
      operator = startOperator("operator");
      awaitTrue("the server's Service and ClusterRoleBinding", () ->
          admin.services().inNamespace(serverNs).withName(child).get() != null
          && admin.rbac().clusterRoleBindings().withName(ServerChildNames.rbac(server))
              .get() != null);
    } else {
      // what the operator's PolicyServerReconciler creates, created here as it would
      List<HasMetadata> objects = new ArrayList<>(List.of(
          DesiredServerChildren.serviceAccount(server), DesiredServerChildren.service(server)));
      objects.addAll(DesiredServerChildren.rbac(server));
      for (HasMetadata o : objects) {
        admin.resource(o).create();
      }
    }
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      LoopbackAddress a = LoopbackAddress.add();
      toClose.add(a);
      addresses.add(a.address);
    }
    int port = freePortOnBoth(addresses);
    String account = "system:serviceaccount:" + serverNs + ":" + child;
    for (int i = 0; i < 2; i++) {
      String address = addresses.get(i);
      List<String> jvm = new ArrayList<>(List.of("-Xmx" + env.getOrDefault("BENCH_SERVER_HEAP",
          "128m"), "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
      if (i == 0 && "1".equals(env.get("BENCH_JFR"))) {
        jvm.add("-XX:StartFlightRecording=filename=" + out.resolve("server.jfr")
            + ",settings=profile");
      }
      JarProcess serve = JarProcess.start("server-" + (i + 1), jar, out, jvm,
          List.of(account, "system:serviceaccounts", "system:serviceaccounts:" + serverNs,
              "system:authenticated"),
          List.of("serve", "--server=" + serverNs + "/" + SERVER_NAME, "--address=" + address,
              "--port=" + port, "--management-port=0"),
          Map.of());
      servers.add(serve);
      toClose.add(serve);
      String ports = serve.awaitLog(SERVING, phaseTimeout);
      String management = ports.replaceAll(".*management port ", "");
      serverUrls.add("http://" + address + ":" + port);
      managementUrls.add("http://" + address + ":" + management);
    }
    for (String m : managementUrls) {
      awaitTrue("server ready at " + m, () -> get(m + "/readyz", null).statusCode() == 200);
    }
    EndpointSlice slice = new EndpointSliceBuilder()
        .withNewMetadata().withName(child + "-bench").withNamespace(serverNs)
        // as the EndpointSlice controller does: the Service's labels, and its name
        .addToLabels(admin.services().inNamespace(serverNs).withName(child).get().getMetadata()
            .getLabels())
        .addToLabels("kubernetes.io/service-name", child)
        .addToLabels("endpointslice.kubernetes.io/managed-by", "bench.mtasts.io")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName(DesiredServerChildren.HTTP_PORT_NAME).withProtocol("TCP")
        .withPort(port).endPort()
        .withEndpoints(addresses.stream().map(a -> new EndpointBuilder()
            .withAddresses(a).withNewConditions().withReady(true).withServing(true)
            .withTerminating(false).endConditions().build()).toList())
        .build();
    admin.resource(slice).create();
    log.printf("servers %s (ready), EndpointSlice %s/%s%n", serverUrls, serverNs,
        slice.getMetadata().getName());
  }

  private JarProcess startOperator(String name) throws InterruptedException {
    List<String> jvm = new ArrayList<>(List.of("-Xmx" + env.getOrDefault("BENCH_OPERATOR_HEAP",
        "384m"), "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
    if ("1".equals(env.get("BENCH_JFR"))) {
      jvm.add("-XX:StartFlightRecording=filename=" + out.resolve(name + ".jfr")
          + ",settings=profile");
    }
    LocalDnsServer dns = LocalDnsServer.start();
    toClose.add(dns);
    JarProcess p = JarProcess.start(name, jar, out, jvm,
        List.of(OPERATOR_USER, "system:masters", "system:authenticated"),
        // every namespace, the chart's default: the server then gets a ClusterRole
        List.of("run", "--lease-name", "mta-sts-bench", "--http-port", "0", "--http-address", "127.0.0.1"),
        Map.of("POD_NAME", name, "POD_NAMESPACE", serverNs,
            "MTASTS_SERVER_IMAGE", "registry.example/mta-sts-operator:bench",
            "MTASTS_PROBE_ALLOW_LOOPBACK", "true",
            "MTASTS_LOG_LEVEL", env.getOrDefault("BENCH_OPERATOR_LOG_LEVEL", "INFO"),
            "MTASTS_DNS_SERVERS", dns.hostAndPort()));
    toClose.add(p);
    p.awaitLog(Pattern.compile("Started event processing for controller: mtastspolicy\\b"),
        phaseTimeout);
    return p;
  }

  /** A port free on both addresses, so that one EndpointSlice port fits both servers. */
  private static int freePortOnBoth(List<String> addresses) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket a = new ServerSocket()) {
        a.bind(new InetSocketAddress(InetAddress.getByName(addresses.get(0)), 0));
        try (ServerSocket b = new ServerSocket()) {
          b.bind(new InetSocketAddress(InetAddress.getByName(addresses.get(1)),
              a.getLocalPort()));
          return a.getLocalPort();
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no port free on both " + addresses);
  }

  // ---- policies

  static String name(int i) {
    return "p-" + i;
  }

  /** The domains bench/http.lua asks for: mta-sts.d1.example ... mta-sts.dN.example. */
  static String domain(int i) {
    return "d" + i + ".example";
  }

  private MtaStsPolicy policy(int i, String namespace) {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: %1$s
          namespace: %2$s
        spec:
          domain: %3$s
          mode: testing
          mx: ["mx1.%3$s"]
          maxAge: 604800
          server:
            ref: {name: %4$s, namespace: %5$s}
        """.formatted(name(i), namespace, domain(i), SERVER_NAME, serverNs);
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /** The file a policy's spec stands for, as the operator would hand it over. */
  private static String policyText(MtaStsPolicy p) {
    return "version: STSv1\r\nmode: " + p.getSpec().getMode().value()
        + "\r\nmx: mx1." + p.getSpec().getDomain() + "\r\nmax_age: " + p.getSpec().getMaxAge()
        + "\r\n";
  }

  private void handOverByBench(MtaStsPolicy created) {
    if (!operatorHandover) {
      handOver(created);
    }
  }

  private void handOver(MtaStsPolicy p) {
    String text = policyText(p);
    SharedPolicy shared = SharedPolicyHandover.of(serverNs + "/" + SERVER_NAME,
        p.getSpec().getDomain(), "b" + p.getMetadata().getGeneration(), text);
    SharedPolicyHandover.write(admin, p, shared);
  }

  private void createAll(String namespace, Consumer<MtaStsPolicy> after) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        int first = t + 1;
        done.add(pool.submit(() -> {
          for (int i = first; i <= crs; i += concurrency) {
            after.accept(admin.resource(policy(i, namespace)).create());
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(phaseTimeout.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void startInformer() {
    SharedIndexInformer<MtaStsPolicy> informer = admin.resources(MtaStsPolicy.class)
        .inNamespace(policyNs).inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(MtaStsPolicy p) {
            seen(p);
          }

          @Override
          public void onUpdate(MtaStsPolicy old, MtaStsPolicy p) {
            seen(p);
          }

          @Override
          public void onDelete(MtaStsPolicy p, boolean unknown) {
            observed.remove(p.getMetadata().getName());
          }
        }, 0);
    toClose.add(informer::close);
  }

  private void seen(MtaStsPolicy p) {
    observed.put(p.getMetadata().getName(), p);
    Runnable r = onChange.get(p.getMetadata().getName());
    if (r != null) {
      r.run();
    }
  }

  /** Advertised: an id in status, equal to the one handed to the server. */
  private static boolean advertised(MtaStsPolicy p) {
    return p.getStatus() != null && p.getStatus().getShared() != null
        && (p.getStatus().getPolicyId() == null
            ? p.getStatus().getShared().getPolicyId().startsWith("b")
            : p.getStatus().getPolicyId().equals(p.getStatus().getShared().getPolicyId()));
  }

  private long advertisedCount() {
    return observed.values().stream().filter(SharedScaleBenchmark::advertised).count();
  }

  private List<Integer> serverHostCounts() {
    List<Integer> counts = new ArrayList<>();
    for (String m : managementUrls) {
      String metrics = get(m + "/metrics", null).body();
      counts.add(metrics.lines().filter(l -> l.startsWith("mtasts_serve_hosts"))
          .map(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .findFirst().orElse(-1));
    }
    return counts;
  }

  /** Asks both servers for every host; the number of answers that differ from status.shared. */
  private int checkEveryHostServed() throws Exception {
    AtomicInteger wrong = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (MtaStsPolicy p : observed.values()) {
        done.add(pool.submit(() -> {
          for (String url : serverUrls) {
            HttpResponse<String> r = get(url + "/.well-known/mta-sts.txt",
                "mta-sts." + p.getSpec().getDomain());
            if (r.statusCode() != 200
                || !r.body().equals(p.getStatus().getShared().getPolicy())) {
              wrong.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return wrong.get();
  }

  // ---- figures

  private void memory() {
    if (operator != null) {
      double heap = operator.heapAfterGcMib();
      figures.atMost("operator_heap_mib", "operator heap after full GC", heap, 256, " MiB");
      figures.atMost("operator_rss_mib", "operator RSS", operator.rssMib(), 512, " MiB");
      writeProfile("operator-histogram.txt", operator.heapHistogram(40));
    } else {
      figures.info("operator_heap_mib", "operator heap", "n/a");
      figures.info("operator_rss_mib", "operator RSS", "n/a");
    }
    JarProcess server = servers.get(0);
    figures.atMost("server_heap_mib", "server heap after full GC", server.heapAfterGcMib(), 128,
        " MiB");
    figures.info("server_rss_mib", "server RSS", server.rssMib(), " MiB");
    writeProfile("server-histogram.txt", server.heapHistogram(30));
  }

  private void writeProfile(String file, String text) {
    try {
      Files.writeString(out.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the operator has made no write for 10 s (or the phase times out). */
  private void awaitQuiet() throws InterruptedException {
    long end = System.nanoTime() + phaseTimeout.toNanos();
    long last = audit.mark();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < end) {
      Thread.sleep(1000);
      requireOperator();
      long now = audit.mark();
      AuditLog.Writes w = audit.writesSince(last, OPERATOR_USER);
      long nonLease = w.total() - w.byKind().entrySet().stream()
          .filter(e -> e.getKey().endsWith(" leases")).mapToLong(Map.Entry::getValue).sum();
      last = now;
      if (nonLease > 0) {
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > 10e9) {
        return;
      }
    }
  }

  /** Restarts the operator and counts its writes (Leases aside) until it has been quiet. */
  private double restartWrites() throws Exception {
    operator.close();
    long mark = audit.mark();
    operator = startOperator("operator-restarted");
    // the restarted operator reconciles every policy once; wait until its CPU use settles
    long end = System.nanoTime() + phaseTimeout.toNanos();
    double cpu = operator.cpuSeconds();
    while (System.nanoTime() < end) {
      Thread.sleep(5000);
      requireOperator();
      double now = operator.cpuSeconds();
      if (now - cpu < 0.5) {
        break;
      }
      cpu = now;
    }
    awaitQuiet();
    AuditLog.Writes w = audit.writesSince(mark, OPERATOR_USER);
    long leases = w.byKind().entrySet().stream()
        .filter(e -> e.getKey().endsWith(" leases")).mapToLong(Map.Entry::getValue).sum();
    figures.note("writes after the restart: " + w.byKind());
    return w.total() - leases;
  }

  /**
   * Changes the spec of a sample of policies, 200 ms apart, and measures each until its new id
   * is advertised (operator) or both servers serve the new bytes (bench handover).
   */
  private double propagation() throws Exception {
    int samples = Math.min(crs,
        ScaleBenchmark.Settings.intOf(env, "BENCH_PROPAGATION_SAMPLES", 50, 1));
    long[] millis = new long[samples];
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(samples, 16));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int s = 0; s < samples; s++) {
        int i = 1 + s * (crs / samples);
        int slot = s;
        done.add(pool.submit(() -> {
          millis[slot] = propagate(i);
          return null;
        }));
        Thread.sleep(200);
      }
      for (Future<?> f : done) {
        f.get(phaseTimeout.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Arrays.sort(millis);
    figures.info(null, "propagation p50", millis[samples / 2], " ms");
    figures.info(null, "propagation samples", samples, "");
    return millis[Math.min(samples - 1, (int) Math.ceil(samples * 0.99) - 1)];
  }

  private long propagate(int i) throws Exception {
    String name = name(i);
    MtaStsPolicy before = observed.get(name);
    String oldId = before.getStatus().getShared().getPolicyId();
    Object lock = new Object();
    onChange.put(name, () -> {
      synchronized (lock) {
        lock.notifyAll();
      }
    });
    long start = System.nanoTime();
    MtaStsPolicy changed = admin.resources(MtaStsPolicy.class).inNamespace(policyNs)
        .withName(name).edit(p -> {
          p.getSpec().setMaxAge(p.getSpec().getMaxAge() + 86400);
          return p;
        });
    if (!operatorHandover) {
      handOver(changed);
    }
    long end = start + phaseTimeout.toNanos();
    try {
      while (System.nanoTime() < end) {
        requireOperator();
        MtaStsPolicy p = observed.get(name);
        boolean done = operatorHandover
            ? advertised(p) && !p.getStatus().getPolicyId().equals(oldId)
            : servedEverywhere(p.getSpec().getDomain(), policyText(changed));
        if (done) {
          return (System.nanoTime() - start) / 1_000_000;
        }
        synchronized (lock) {
          lock.wait(operatorHandover ? 100 : 10);
        }
      }
    } finally {
      onChange.remove(name);
    }
    throw new IllegalStateException(name + ": the change was not advertised within "
        + phaseTimeout);
  }

  private boolean servedEverywhere(String domain, String text) {
    return serverUrls.stream().allMatch(u -> {
      HttpResponse<String> r = get(u + "/.well-known/mta-sts.txt", "mta-sts." + domain);
      return r.statusCode() == 200 && r.body().equals(text);
    });
  }

  /**
   * wrk against the first server and against nginx serving one file, the same way, in turns
   * (BENCH_WRK_ROUNDS, 2 by default), so that both meet the same background (the operator's
   * verifications, the API server): requests/s are the mean of the rounds, p99 the worst.
   */
  private void loadTest() throws Exception {
    LoadGenerator wrk = new LoadGenerator(Path.of("bench/http.lua"), crs,
        ScaleBenchmark.Settings.intOf(env, "BENCH_WRK_CONNECTIONS", 64, 1),
        ScaleBenchmark.Settings.intOf(env, "BENCH_WRK_SECONDS", 10, 1), out);
    int rounds = ScaleBenchmark.Settings.intOf(env, "BENCH_WRK_ROUNDS", 2, 1);
    List<LoadGenerator.Result> servers = new ArrayList<>();
    List<LoadGenerator.Result> nginxes = new ArrayList<>();
    try (LoadGenerator.Nginx n = LoadGenerator.Nginx.start(out.resolve("nginx"),
        policyText(observed.values().iterator().next()))) {
      for (int round = 1; round <= rounds; round++) {
        servers.add(wrk.run(serverUrls.get(0)));
        nginxes.add(wrk.run(n.url()));
        figures.note("wrk round " + round + ": server " + servers.get(round - 1) + ", nginx "
            + nginxes.get(round - 1) + ", " + loadAverage());
      }
    }
    LoadGenerator.Result server = LoadGenerator.Result.of(servers);
    LoadGenerator.Result nginx = LoadGenerator.Result.of(nginxes);
    if (nginx.non2xx() > 0 || nginx.errors() > 0) {
      throw new IllegalStateException("nginx answered " + nginx.non2xx() + " non-200 and had "
          + nginx.errors() + " errors: no yardstick (see " + out.resolve("nginx") + ")");
    }
    figures.info(null, "server answers under load: errors, non-200",
        server.errors() + ", " + server.non2xx());
    figures.atLeast("rps", "server requests/s (wrk, keep-alive, N hosts)", server.rps(),
        Math.round(0.5 * nginx.rps()), "");
    figures.atMost("p99_ms", "server p99 latency", server.p99Ms(), 10, " ms");
    figures.info("nginx_rps", "nginx requests/s, one static file, same wrk", nginx.rps(), "");
    figures.info(null, "nginx p99 latency", nginx.p99Ms(), " ms");
    if (server.non2xx() > 0 || server.errors() > 0) {
      figures.note("the server answered " + server.non2xx() + " non-200 and " + server.errors()
          + " errors under load");
    }
  }

  // ---- helpers

  private HttpResponse<String> get(String url, String host) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10));
    if (host != null) {
      // the JDK client refuses a Host header unless allowed (bench/run.sh sets the property)
      b.header("Host", host);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  /** Ends the phase at once when the operator has exited (an OutOfMemoryError, say). */
  private void requireOperator() {
    if (operator != null && !operator.isAlive()) {
      throw new IllegalStateException("the operator exited; its log ends:\n" + operator.tail());
    }
  }

  private void awaitTrue(String what, Check check) throws Exception {
    long end = System.nanoTime() + phaseTimeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < end) {
      requireOperator();
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("not within " + phaseTimeout + ": " + what
        + (last == null ? "" : " (last error: " + last + ")")
        + (operator != null ? "\noperator log tail:\n" + operator.tail() : ""));
  }

  interface Body {
    void run() throws Exception;
  }

  private static double timed(Body body) throws Exception {
    long start = System.nanoTime();
    body.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return "load " + f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "load unknown";
    }
  }

  private synchronized void closeAll() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        log.println("stopping: " + e);
      }
    }
    if (admin != null) {
      try (KubernetesClient c = new KubernetesClientBuilder().build()) {
        for (String ns : List.of(serverNs, policyNs, plainNs)) {
          c.namespaces().withName(ns).delete();
        }
        c.rbac().clusterRoles().withLabel(ServerChildNames.SERVER_UID_LABEL).list().getItems()
            .stream().filter(r -> r.getMetadata().getName().contains(prefix))
            .forEach(r -> c.resource(r).delete());
        c.rbac().clusterRoleBindings().withLabel(ServerChildNames.SERVER_UID_LABEL).list()
            .getItems().stream().filter(r -> r.getMetadata().getName().contains(prefix))
            .forEach(r -> c.resource(r).delete());
      } catch (RuntimeException e) {
        log.println("cleaning up: " + e);
      }
    }
  }
}
