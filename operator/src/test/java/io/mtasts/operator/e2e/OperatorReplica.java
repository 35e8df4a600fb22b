package io.mtasts.operator.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One operator replica as users run it: the production jar's {@code run} in a JVM of its own,
 * leader election on or off, restarted after each kill under the same identity (as a pod of a
 * Deployment is). Its PID is kept in {@code operator-<name>.pid}, where faults.sh finds it
 * should the run itself be stopped.
 */
final class OperatorReplica {

  static final Path JAR = Path.of(System.getProperty("mtasts.repoRoot", ".."),
      "operator", "target", "mta-sts-operator.jar");

  private final String name;
  private final RealCluster cluster;
  private final String dnsServer;
  private final Path logs;
  private final boolean leaderElection;
  private Process process;
  private int starts;

  OperatorReplica(String name, RealCluster cluster, String dnsServer, Path logs,
      boolean leaderElection) {
    this.name = name;
    this.cluster = cluster;
    this.dnsServer = dnsServer;
    this.logs = logs;
    this.leaderElection = leaderElection;
  }

  /** The identity it writes into the Lease (its POD_NAME). */
  String identity() {
    return "operator-" + name;
  }

  synchronized void start() throws IOException {
    starts++;
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", JAR.toString(), "run",
        "--watch-namespaces", cluster.namespace,
        leaderElection ? "--leader-election" : "--no-leader-election",
        "--http-port", "0", "--http-address", "127.0.0.1",
        "--dns-server", dnsServer));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log().toFile());
    builder.environment().put("POD_NAME", identity());
    builder.environment().put("POD_NAMESPACE", cluster.namespace);
    builder.environment().put("MTASTS_PROBE_ALLOW_LOOPBACK", "true");
    process = builder.start();
    Files.writeString(logs.resolve("operator-" + name + ".pid"), Long.toString(process.pid()));
  }

  private Path log() {
    return logs.resolve("operator-" + name + "-" + starts + ".log");
  }

  /** The log of the current (or last) process. */
  synchronized String logText() {
    try {
      return Files.readString(log(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether the current process logged that its controllers run. */
  boolean started() {
    return logText().contains("Operator started");
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  synchronized void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends a signal by name (STOP, CONT) with kill(1), to this replica's process only. */
  synchronized void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** Waits for the process to exit by itself; true if it did within the time given. */
  boolean awaitExit(long seconds) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    return p.waitFor(seconds, TimeUnit.SECONDS);
  }

  synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
