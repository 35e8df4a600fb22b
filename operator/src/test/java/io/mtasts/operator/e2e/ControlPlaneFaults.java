package io.mtasts.operator.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.testing.RequiredComponent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The control plane's own faults in the fault run, each while policies keep changing: the
 * kube-apiserver stopped and started again, etcd stopped for a while, the operator's watches
 * resumed from a history etcd has compacted (410 Gone, so its informers must list again), and
 * the operator's requests rejected by a tight API Priority and Fairness configuration (429).
 * Components are stopped and started through {@code e2e/control-plane.sh stop-component} and
 * {@code start-component}, on the control plane that {@code control-plane.sh run} started for
 * the run; every timing is drawn from the run's seed.
 */
final class ControlPlaneFaults {

  /**
   * A priority level of one nominal seat share that rejects instead of queueing: one seat of
   * the 30 that faults.sh gives the API server (--max-requests-inflight=20,
   * --max-mutating-requests-inflight=10).
   */
  static final String THROTTLE = "mta-sts-faults-throttle";
  private static final String OPERATOR_USER = "mta-sts-e2e-operator";
  private static final Pattern REJECTED = Pattern.compile(
      "^apiserver_flowcontrol_rejected_requests_total\\{[^}]*priority_level=\"" + THROTTLE
          + "\"[^}]*} (\\S+)$", Pattern.MULTILINE);
  /** What the operator's informers log (fabric8's Reflector at DEBUG) when a watch got 410. */
  static final String HTTP_GONE = "Watch restarting due to http gone";

  private final RealCluster cluster;
  private final FaultRun.OperatorProcesses operator;
  private final FaultObserver observer;
  private final Random random;
  private final Runnable change;
  private final Path logs;
  private final Path script = Path.of(System.getProperty("mtasts.repoRoot", ".."), "e2e",
      "control-plane.sh");

  ControlPlaneFaults(RealCluster cluster, FaultRun.OperatorProcesses operator,
      FaultObserver observer, Random random, Runnable change, Path logs) {
    this.cluster = cluster;
    this.operator = operator;
    this.observer = observer;
    this.random = random;
    this.change = change;
    this.logs = logs;
  }

  /**
   * Whether this run's control plane can be stopped piecemeal: it was started by
   * {@code control-plane.sh run}, which exports its state directory. Skipped with a message
   * otherwise (an existing cluster), failed when MTASTS_REQUIRE_ALL=1.
   */
  static boolean available() {
    String state = System.getenv("MTASTS_E2E_STATE_DIR");
    boolean ok = state != null && Files.isDirectory(Path.of(state));
    if (!ok) {
      String what = "a control plane started by e2e/control-plane.sh run (MTASTS_E2E_STATE_DIR)";
      RequiredComponent.require(!RequiredComponent.allRequired(), what);
      System.out.println("skipped: the control plane faults need " + what);
    }
    return ok;
  }

  /**
   * Scenario {@code apiserver-restart}: during a burst of changes the kube-apiserver is stopped
   * (SIGTERM) at a random moment, stays down a random 0-5 s longer than its stop takes, and
   * comes back on the same port and data; {@code times} times.
   */
  void apiserverRestarts(int times) throws Exception {
    try (Changes changes = new Changes()) {
      for (int i = 0; i < times; i++) {
        Thread.sleep(1000 + random.nextInt(4000));
        component("stop-component", "kube-apiserver");
        Thread.sleep(random.nextInt(5000));
        component("start-component", "kube-apiserver");
        observer.controlPlaneFault();
        Thread.sleep(2000 + random.nextInt(6000));
      }
    }
  }

  /**
   * Scenario {@code etcd-outage}: during changes etcd is stopped for {@code down} and started
   * again on its data; the API server answers errors meanwhile.
   */
  void etcdOutage(Duration down) throws Exception {
    try (Changes changes = new Changes()) {
      Thread.sleep(1000 + random.nextInt(4000));
      component("stop-component", "etcd");
      Thread.sleep(down.toMillis());
      component("start-component", "etcd");
      observer.controlPlaneFault();
      Thread.sleep(5000 + random.nextInt(5000));
    }
  }

  /**
   * Scenario {@code watch-expiry}: the operator is frozen (SIGSTOP), the kube-apiserver started
   * again under it, and the changes go on for longer than two compaction intervals, so that the
   * history its watches would resume from is compacted away; then the operator runs on
   * (SIGCONT). Its watches resume from versions the API server no longer has: 410 Gone, and
   * its informers must list again and catch up, deletions included. Counts the informers'
   * "http gone" restarts in the operator's log; a pass that saw none checked nothing and is
   * reported as a violation.
   */
  void watchExpiry(int times, Duration compaction) throws Exception {
    long goneBefore = operatorLogCount(logs, HTTP_GONE);
    try (Changes changes = new Changes()) {
      for (int i = 0; i < times; i++) {
        Thread.sleep(1000 + random.nextInt(3000));
        operator.signal("STOP");
        try {
          component("stop-component", "kube-apiserver");
          component("start-component", "kube-apiserver");
          Thread.sleep(2 * compaction.toMillis() + random.nextInt(5000));
        } finally {
          operator.signal("CONT");
        }
        observer.controlPlaneFault();
        Thread.sleep(5000 + random.nextInt(5000));
      }
    }
    long gone = operatorLogCount(logs, HTTP_GONE) - goneBefore;
    System.out.println("watch-expiry: the operator's informers restarted " + gone
        + " watches after 410 Gone and listed again");
    if (gone == 0) {
      observer.noFault("watch-expiry: no watch of the operator ended with 410 Gone;"
          + " the scenario checked nothing");
    }
  }

  /**
   * Scenario {@code apf-throttle}: a FlowSchema sends every request of the operator's user to
   * a priority level of one nominal seat share that rejects what does not fit (429), for
   * {@code length} while changes go on, with one SIGKILL and restart in the middle so that the
   * start-up lists are throttled too; then the configuration goes and everything must converge.
   * Counts the requests the API server rejected from the apiserver's metrics; none rejected
   * means nothing was checked and is reported as a violation.
   */
  void throttled(Duration length) throws Exception {
    double before = rejected();
    List<HasMetadata> config = cluster.admin.load(new ByteArrayInputStream(
        apf().getBytes(StandardCharsets.UTF_8))).items();
    config.forEach(o -> cluster.admin.resource(o).forceConflicts().serverSideApply());
    double count;
    try (Changes changes = new Changes()) {
      long half = length.toMillis() / 2;
      Thread.sleep(random.nextLong(half / 2, half + 1));
      operator.kill();
      observer.killed();
      Thread.sleep(random.nextInt(1500));
      operator.start();
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(half);
      while (System.nanoTime() < end) {
        Thread.sleep(200);
      }
    } finally {
      // read while the priority level exists: the API server drops its series with it
      count = rejected() - before;
      config.forEach(o -> cluster.admin.resource(o).delete());
    }
    observer.controlPlaneFault();
    System.out.printf(java.util.Locale.ROOT, "apf-throttle: the API server rejected %.0f"
        + " requests of the operator (429) in %d s%n", count, length.toSeconds());
    if (count <= 0) {
      observer.noFault("apf-throttle: no request of the operator was rejected;"
          + " the scenario checked nothing");
    }
  }

  /**
   * Binds cluster-admin to the operator's own user, when the control plane made one
   * (MTASTS_E2E_OPERATOR_KUBECONFIG): the operator processes then run with its kubeconfig.
   */
  static void grantOperatorUser(RealCluster cluster) {
    if (System.getenv("MTASTS_E2E_OPERATOR_KUBECONFIG") == null) {
      return;
    }
    String yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: mta-sts-faults-operator
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: cluster-admin
        subjects:
        - apiGroup: rbac.authorization.k8s.io
          kind: User
          name: %s
        """.formatted(OPERATOR_USER);
    cluster.admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .items().forEach(o -> cluster.admin.resource(o).forceConflicts().serverSideApply());
  }

  private static String apf() {
    return """
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: PriorityLevelConfiguration
        metadata:
          name: %1$s
        spec:
          type: Limited
          limited:
            nominalConcurrencyShares: 1
            lendablePercent: 0
            borrowingLimitPercent: 0
            limitResponse:
              type: Reject
        ---
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: FlowSchema
        metadata:
          name: %1$s
        spec:
          priorityLevelConfiguration:
            name: %1$s
          matchingPrecedence: 100
          distinguisherMethod:
            type: ByUser
          rules:
          - subjects:
            - kind: User
              user:
                name: %2$s
            resourceRules:
            - verbs: ["*"]
              apiGroups: ["*"]
              resources: ["*"]
              namespaces: ["*"]
              clusterScope: true
            nonResourceRules:
            - verbs: ["*"]
              nonResourceURLs: ["*"]
        """.formatted(THROTTLE, OPERATOR_USER);
  }

  /** Requests of the throttled priority level the API server rejected so far. */
  private double rejected() {
    String metrics = cluster.admin.raw("/metrics");
    double sum = 0;
    Matcher m = REJECTED.matcher(metrics == null ? "" : metrics);
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** Lines containing {@code text} in all operator logs of this run, in {@code logs}. */
  static long operatorLogCount(Path logs, String text) throws IOException {
    long n = 0;
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("operator-"))
          .toList()) {
        try (Stream<String> lines = Files.lines(f, StandardCharsets.ISO_8859_1)) {
          n += lines.filter(l -> l.contains(text)).count();
        }
      }
    }
    return n;
  }

  private void component(String command, String name) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(script.toString(), command, name).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " " + name + " failed: " + out);
    }
    System.out.printf(java.util.Locale.ROOT, "fault: %s %s in %.1f s%n", command, name,
        (System.nanoTime() - start) / 1e9);
  }

  /** Random changes every 0.1-0.8 s on a thread of their own, until closed. */
  private final class Changes implements AutoCloseable {
    private final AtomicBoolean on = new AtomicBoolean(true);
    private final Thread thread;

    Changes() {
      thread = new Thread(() -> {
        while (on.get()) {
          try {
            change.run();
            Thread.sleep(100 + random.nextInt(700));
          } catch (InterruptedException e) {
            return;
          } catch (KubernetesClientException | IllegalStateException e) {
            // the API server or etcd is down: the next change tries again
          }
        }
      }, "fault-changes");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      on.set(false);
      // a request in flight when a component stopped may wait for its retries to end
      thread.join(120_000);
    }
  }
}
