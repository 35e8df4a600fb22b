package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator as users run it: {@code java -jar mta-sts-operator.jar run} in its own JVM against
 * the real API server, stopped with SIGTERM as the kubelet stops a pod.
 */
class OperatorProcessE2E {

  private static final String LEASE = "mta-sts-operator-process";
  private static final Path JAR = Path.of(System.getProperty("mtasts.repoRoot", ".."),
      "operator", "target", "mta-sts-operator.jar");

  @TempDir Path logs;
  private RealCluster cluster;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private Process operator(String identity, String... extra) throws IOException {
    assertThat(JAR).as("the jar is built by 'mvn package' before the e2e tests").isReadable();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString(), "run",
        "--watch-namespaces", cluster.namespace,
        "--lease-name", LEASE,
        "--http-port", "0", "--http-address", "127.0.0.1"));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logs.resolve(identity + ".log").toFile());
    builder.environment().put("POD_NAME", identity);
    builder.environment().put("POD_NAMESPACE", cluster.namespace);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private String log(String identity) throws IOException {
    return Files.readString(logs.resolve(identity + ".log"), StandardCharsets.UTF_8);
  }

  private String holder() {
    Lease lease = cluster.admin.leases().inNamespace(cluster.namespace).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void sigtermEndsTheLeaderAtOnceAndTheStandbyTakesTheLeaseAtOnce() throws Exception {
    cluster = RealCluster.connect("sigterm");
    Process leader = operator("instance-a");
    await().atMost(RealCluster.TIMEOUT).until(() -> "instance-a".equals(holder()));
    operator("instance-b");
    await().atMost(RealCluster.TIMEOUT).until(() -> log("instance-b").contains("Leader is"));

    long sigterm = System.nanoTime();
    leader.destroy(); // SIGTERM
    boolean exited = leader.waitFor(30, TimeUnit.SECONDS);
    Duration exit = Duration.ofNanos(System.nanoTime() - sigterm);
    await().atMost(RealCluster.TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> "instance-b".equals(holder()));
    Duration takeover = Duration.ofNanos(System.nanoTime() - sigterm);
    System.out.printf("SIGTERM to exit: %d ms; SIGTERM to standby holding the Lease: %d ms%n",
        exit.toMillis(), takeover.toMillis());

    assertThat(exited).as("the leader exits after SIGTERM; log:%n%s", log("instance-a"))
        .isTrue();
    assertThat(exit).as("SIGTERM to exit").isLessThan(Duration.ofSeconds(5));
    assertThat(leader.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
    assertThat(log("instance-a")).contains("Released the Lease");
    // without the release the standby waits out the lease duration (15 s)
    assertThat(takeover).as("SIGTERM to takeover").isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void aLeaseNamespaceThatDoesNotExistEndsRunWithOneLine() throws Exception {
    cluster = RealCluster.connect("leasens");
    Process run = operator("instance-c", "--lease-namespace", "no-such-namespace-x1");

    assertThat(run.waitFor(60, TimeUnit.SECONDS)).as(log("instance-c")).isTrue();
    assertThat(run.exitValue()).isEqualTo(1);
    assertThat(log("instance-c")).contains("the Lease namespace 'no-such-namespace-x1' does not"
        + " exist").doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void withoutTheCrdRunSaysToApplyItInOneLine() throws Exception {
    cluster = RealCluster.connect("nocrd");
    CustomResourceDefinition crd = cluster.admin.apiextensions().v1().customResourceDefinitions()
        .withName(MtaStsPolicy.CRD_NAME).get();
    cluster.admin.resource(crd).withTimeout(60, TimeUnit.SECONDS).delete();
    try {
      Process run = operator("instance-d");

      assertThat(run.waitFor(60, TimeUnit.SECONDS)).as(log("instance-d")).isTrue();
      assertThat(run.exitValue()).isEqualTo(1);
      assertThat(log("instance-d")).contains("CRD (" + MtaStsPolicy.CRD_NAME + ") is not"
          + " installed", "apply crds/ first").doesNotContain("\tat ");
    } finally {
      RealCluster.installCrd(cluster.admin);
    }
  }
}
