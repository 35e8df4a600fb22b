package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.localserver.LocalDnsServer;
import io.mtasts.operator.plan.WebServerConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The fault run of e2e/faults.sh: the production jar ({@code run}) in its own JVM against the
 * real API server, killed with SIGKILL at random moments while policies are created, changed,
 * rolled out and retired, while another client edits and deletes the operator's children, and
 * while an object the operator does not own sits at a child's name. A {@link FaultObserver}
 * outside the operator checks the invariants; the run ends with one RESULT line.
 *
 * <p>Not part of the e2e suite (its name does not end in E2E); faults.sh runs it with
 * {@code -Dit.test=FaultRun} and the {@code faults.*} properties.
 */
class FaultRun {

  private static final Path JAR = Path.of(System.getProperty("mtasts.repoRoot", ".."),
      "operator", "target", "mta-sts-operator.jar");
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(ConfigMap.class, Deployment.class, Service.class, Ingress.class);
  private static final String FOREIGN = "foreign";

  private final long seed = Long.getLong("faults.seed", System.nanoTime());
  private final int kills = Integer.getInteger("faults.kills", 10);
  private final int policies = Integer.getInteger("faults.policies", 4);
  /** After the last fault, how long a change may take to converge before it counts as stuck. */
  private final Duration bound = Duration.ofSeconds(Long.getLong("faults.boundSeconds", 120));
  private final Path logs = Path.of(System.getProperty("faults.logDir",
      System.getProperty("java.io.tmpdir")));
  /** kube-apiserver restarts, and as many watch expiries; 0 leaves both out. */
  private final int restarts = Integer.getInteger("faults.restarts", 2);
  private final Duration etcdDown = Duration.ofSeconds(Long.getLong("faults.etcdDownSeconds", 30));
  private final Duration throttle = Duration.ofSeconds(Long.getLong("faults.throttleSeconds", 60));
  /** kube-apiserver's --etcd-compaction-interval in this run (faults.sh sets both). */
  private final Duration compaction =
      Duration.ofSeconds(Long.getLong("faults.compactionSeconds", 10));

  private final Random random = new Random(seed);
  private final AtomicBoolean faultsOn = new AtomicBoolean(true);
  private final List<String> scenarios = Collections.synchronizedList(new ArrayList<>());

  @Test
  void run() throws Exception {
    System.out.println("SEED " + seed + " (rerun: e2e/faults.sh --seed " + seed + ")");
    assertThat(JAR).as("the jar is built by 'mvn package' before the fault run").isReadable();
    try (RealCluster cluster = RealCluster.connect("faults");
        LoopbackPods pods = new LoopbackPods();
        LocalDnsServer dns = LocalDnsServer.start();
        FaultObserver observer = new FaultObserver(cluster, pods)) {
      observer.start();
      boolean controlPlane = (restarts > 0 || !etcdDown.isZero() || !throttle.isZero())
          && ControlPlaneFaults.available();
      ControlPlaneFaults.grantOperatorUser(cluster);
      OperatorProcesses operator = new OperatorProcesses(cluster, dns, logs);
      Thread kubelet = daemon("kubelet", () -> observer.playKubelet());
      Thread meddler = daemon("meddler", () -> meddle(cluster, observer));
      operator.start();
      kubelet.start();
      meddler.start();
      foreignObjectAtAChildsName(cluster, observer);

      scenarios.add("sigkill");
      for (int k = 0; k < kills; k++) {
        // changes go on while the JVM starts; the kill comes at a random moment after its
        // controllers started, so that it lands inside reconciles rather than in start-up
        long startedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long until = Long.MAX_VALUE;
        while (System.nanoTime() < until) {
          change(cluster, observer);
          Thread.sleep(100 + random.nextInt(700));
          if (until == Long.MAX_VALUE && (operator.started() || System.nanoTime() > startedBy)) {
            until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextInt(5000));
          }
        }
        operator.kill();
        observer.killed();
        Thread.sleep(random.nextInt(1500));
        operator.start();
      }
      if (controlPlane) {
        controlPlaneFaults(cluster, observer, operator);
      }
      faultsOn.set(false);
      meddler.join(30_000);
      observer.faultsEnded();
      String failure = observer.awaitConvergence(bound, policyNames());
      System.out.println("operator logs: " + ControlPlaneFaults.operatorLogCount(logs,
          "Uncaught error during event processing") + " reconciles ended in an uncaught error;"
          + " the operator exited by itself " + operator.crashes() + " times and was restarted");
      operator.sampleHeap();
      String result = String.format(java.util.Locale.ROOT,
          "RESULT scenarios=%d kills=%d premature_ids=%d lost_children=%d"
              + " duplicate_children=%d orphans=%d stuck=%d converge_p50_s=%.1f"
              + " converge_p99_s=%.1f max_heap_mib=%d",
          scenarios.size(), observer.kills(), observer.premature(), observer.lost(),
          observer.duplicates(), observer.orphans(), observer.stuck(),
          observer.convergePercentile(50), observer.convergePercentile(99),
          operator.maxHeapMib());
      Files.writeString(logs.resolve("result.txt"), result + "\n");
      System.out.println(result);
      operator.stop();
      faultsOn.set(false);
      assertThat(failure).as("invariants (scenarios " + scenarios + ", seed " + seed + ")")
          .isNull();
    }
  }

  /** The control plane's faults (see {@link ControlPlaneFaults}), in this order. */
  private void controlPlaneFaults(RealCluster cluster, FaultObserver observer,
      OperatorProcesses operator) throws Exception {
    ControlPlaneFaults faults = new ControlPlaneFaults(cluster, operator, observer, random,
        () -> change(cluster, observer), logs);
    if (restarts > 0) {
      scenarios.add("apiserver-restart");
      faults.apiserverRestarts(restarts);
    }
    if (!etcdDown.isZero()) {
      scenarios.add("etcd-outage");
      faults.etcdOutage(etcdDown);
    }
    if (restarts > 0) {
      scenarios.add("watch-expiry");
      faults.watchExpiry(restarts, compaction);
    }
    if (!throttle.isZero()) {
      scenarios.add("apf-throttle");
      faults.throttled(throttle);
    }
  }

  private List<String> policyNames() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < policies; i++) {
      names.add("p" + i);
    }
    return names;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, "fault-" + name);
    t.setDaemon(true);
    return t;
  }

  private static MtaStsPolicy policy(RealCluster cluster, String name, int variant) {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: %s
        spec:
          domain: %s.faults.example
          mode: testing
          mx: [mx%d.faults.example]
          maxAge: 5
          tls: {secretName: %s-tls}
        """.formatted(name, name, variant, name);
    return cluster.admin.getKubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /** One random change: create an absent policy, change the mx of one, or delete (retire) one. */
  private void change(RealCluster cluster, FaultObserver observer) {
    String name = "p" + random.nextInt(policies);
    int roll = random.nextInt(10);
    try {
      MtaStsPolicy current = cluster.get(name);
      if (current == null) {
        MtaStsPolicy created = cluster.create(policy(cluster, name, random.nextInt(1000)));
        observer.changed(name, created, "create");
      } else if (current.isMarkedForDeletion() || current.getSpec() == null) {
        // a read without a spec was seen once in a 100-kill run; skipped and named, not hidden
        if (current.getSpec() == null) {
          System.out.println("driver: " + name + " read without a spec: "
              + cluster.admin.getKubernetesSerialization().asJson(current));
        }
        return;
      } else if (roll < 7) {
        MtaStsPolicy next = policy(cluster, name, random.nextInt(1000));
        current.getSpec().setMx(next.getSpec().getMx());
        MtaStsPolicy updated = cluster.admin.resource(current).update();
        observer.changed(name, updated, "update");
      } else {
        cluster.admin.resource(current).delete();
        observer.changed(name, current, "delete");
      }
    } catch (KubernetesClientException e) {
      // a conflict with the operator's own write (finalizer): the next change tries again
    }
  }

  /**
   * Another client: edits labels and replicas of a Deployment, rewrites the ConfigMap's policy
   * bytes, or deletes a child; the operator has to restore each.
   */
  private void meddle(RealCluster cluster, FaultObserver observer) {
    scenarios.add("meddling-client");
    Random own = new Random(seed ^ 0x5eedL);
    while (faultsOn.get()) {
      try {
        Thread.sleep(1000 + own.nextInt(3000));
        String child = "mta-sts-p" + own.nextInt(policies);
        switch (own.nextInt(4)) {
          case 0 -> cluster.admin.apps().deployments().inNamespace(cluster.namespace)
              .withName(child).edit(d -> {
                d.getMetadata().getLabels().put("app.kubernetes.io/name", "meddled");
                d.getSpec().setReplicas(5);
                return d;
              });
          case 1 -> cluster.admin.configMaps().inNamespace(cluster.namespace).withName(child)
              .edit(c -> {
                c.getData().put(WebServerConfig.POLICY_KEY,
                    "version: STSv1\r\nmode: enforce\r\nmx: evil.example\r\nmax_age: 86400\r\n");
                return c;
              });
          case 2 -> cluster.admin.configMaps().inNamespace(cluster.namespace).withName(child)
              .delete();
          default -> cluster.admin.services().inNamespace(cluster.namespace).withName(child)
              .delete();
        }
        observer.meddled();
      } catch (KubernetesClientException | NullPointerException e) {
        // the child is absent at this moment (not yet created, or retired): nothing to edit
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * A ConfigMap of another owner at the name a policy's children would take: the policy reports
   * Conflict and the ConfigMap is never overwritten, through all kills.
   */
  private void foreignObjectAtAChildsName(RealCluster cluster, FaultObserver observer) {
    scenarios.add("foreign-object");
    ConfigMap foreign = cluster.admin.configMaps().inNamespace(cluster.namespace)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("mta-sts-" + FOREIGN)
            .endMetadata().addToData("owner", "someone else").build()).create();
    cluster.create(policy(cluster, FOREIGN, 0));
    observer.guardForeign(FOREIGN, foreign);
  }

  /** The operator as separate JVMs, one at a time, with their logs and heap samples. */
  static final class OperatorProcesses {
    private final RealCluster cluster;
    private final LocalDnsServer dns;
    private final Path logs;
    private Process current;
    private int started;
    private long maxHeapKib;
    private final Thread sampler;
    private final Thread supervisor;
    /** Set while the run itself ends the process (kill, stop): not a crash to restart. */
    private boolean ending;
    private int crashes;

    OperatorProcesses(RealCluster cluster, LocalDnsServer dns, Path logs) {
      this.cluster = cluster;
      this.dns = dns;
      this.logs = logs;
      this.sampler = daemon("heap", () -> {
        while (true) {
          try {
            Thread.sleep(3000);
          } catch (InterruptedException e) {
            return;
          }
          sampleHeap();
        }
      });
      sampler.start();
      // as the kubelet restarts a container whose process ended: the operator exits by itself
      // when it cannot start (its informers cannot list while the API server is down)
      this.supervisor = daemon("supervisor", () -> {
        while (true) {
          try {
            Thread.sleep(1000);
            restartIfExited();
          } catch (InterruptedException e) {
            return;
          } catch (IOException e) {
            System.out.println("supervisor: restart failed: " + e);
          }
        }
      });
      supervisor.start();
    }

    private synchronized void restartIfExited() throws IOException, InterruptedException {
      if (current == null || ending || current.isAlive()) {
        return;
      }
      crashes++;
      System.out.println("supervisor: operator process " + started + " exited by itself"
          + " (exit " + current.exitValue() + "); restarting it, as the kubelet would");
      Thread.sleep(2000);
      start();
    }

    /** How often the operator exited by itself and was started again. */
    synchronized int crashes() {
      return crashes;
    }

    synchronized void start() throws IOException {
      ending = false;
      started++;
      // fabric8's informers say at DEBUG when a watch ended with 410 Gone and they list again
      Path logback = logs.resolve("operator-logback.xml");
      Files.writeString(logback, """
          <configuration>
            <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
              <target>System.err</target>
              <encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0} - %msg%n</pattern></encoder>
            </appender>
            <logger name="io.fabric8.kubernetes.client.informers.impl.cache.Reflector"
                level="DEBUG"/>
            <root level="INFO"><appender-ref ref="console"/></root>
          </configuration>
          """);
      List<String> command = List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-Dlogback.configurationFile=" + logback, "-jar", JAR.toString(), "run",
          "--watch-namespaces", cluster.namespace,
          // one replica: a killed leader's Lease would hold the next one back for its
          // duration; the two-replica takeover is a scenario of its own
          "--no-leader-election",
          "--http-port", "0", "--http-address", "127.0.0.1",
          "--dns-server", dns.hostAndPort());
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(logs.resolve("operator-" + started + ".log").toFile());
      builder.environment().put("POD_NAME", "faults-" + started);
      builder.environment().put("POD_NAMESPACE", cluster.namespace);
      builder.environment().put("MTASTS_PROBE_ALLOW_LOOPBACK", "true");
      // its own user, not system:masters, so that API Priority and Fairness can throttle it
      String own = System.getenv("MTASTS_E2E_OPERATOR_KUBECONFIG");
      if (own != null && Files.isReadable(Path.of(own))) {
        builder.environment().put("KUBECONFIG", own);
      }
      current = builder.start();
      // faults.sh stops it by this PID should the run itself be killed
      Files.writeString(logs.resolve("operator.pid"), Long.toString(current.pid()));
    }

    /** Whether the current process logged that its controllers run. */
    synchronized boolean started() {
      try {
        return Files.readString(logs.resolve("operator-" + started + ".log"),
            StandardCharsets.UTF_8).contains("Operator started");
      } catch (IOException e) {
        return false;
      }
    }

    synchronized void kill() throws InterruptedException {
      ending = true;
      current.destroyForcibly(); // SIGKILL
      current.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends a signal (STOP, CONT) to the running operator process. */
    synchronized void signal(String name) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(current.pid()))
          .inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + current.pid() + " failed");
      }
    }

    synchronized void stop() throws InterruptedException {
      ending = true;
      supervisor.interrupt();
      if (current != null) {
        current.destroy();
        if (!current.waitFor(20, TimeUnit.SECONDS)) {
          current.destroyForcibly();
        }
      }
      sampler.interrupt();
    }

    /** Used heap (young and old generations) of the running operator, from jstat. */
    void sampleHeap() {
      Process p;
      synchronized (this) {
        p = current;
      }
      if (p == null || !p.isAlive()) {
        return;
      }
      try {
        Process jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
            "jstat").toString(), "-gc", Long.toString(p.pid())).redirectErrorStream(true).start();
        String[] lines = new String(jstat.getInputStream().readAllBytes(),
            StandardCharsets.US_ASCII).trim().split("\n");
        jstat.waitFor(10, TimeUnit.SECONDS);
        if (lines.length < 2) {
          return;
        }
        List<String> head = List.of(lines[0].trim().split("\\s+"));
        String[] row = lines[1].trim().split("\\s+");
        double used = 0;
        for (String column : List.of("S0U", "S1U", "EU", "OU")) {
          int i = head.indexOf(column);
          if (i >= 0 && i < row.length) {
            used += Double.parseDouble(row[i]);
          }
        }
        synchronized (this) {
          maxHeapKib = Math.max(maxHeapKib, (long) used);
        }
      } catch (IOException | NumberFormatException e) {
        // the process ended between the check and jstat: no sample
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    synchronized long maxHeapMib() {
      return maxHeapKib / 1024;
    }
  }

  static List<Class<? extends HasMetadata>> kinds() {
    return KINDS;
  }

  static boolean conflicted(MtaStsPolicy p) {
    return p != null && p.getStatus() != null && p.getStatus().condition(ConditionTypes.READY)
        .map(c -> ConditionReasons.CONFLICT.equals(c.getReason())).orElse(false);
  }
}
