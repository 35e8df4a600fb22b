package io.mtasts.operator.bench.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's jar in a JVM of its own, as a pod runs it ({@code run} or {@code serve}): its
 * log in a file, its memory read from outside (jcmd for the heap after a full collection, /proc
 * for the resident size), stopped with SIGTERM and, after 10 s, SIGKILL.
 */
final class JarProcess implements AutoCloseable {

  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

  final String name;
  final Path log;
  private final Process process;

  private JarProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code java JVM_OPTIONS -jar JAR ARGS}.
   *
   * @param impersonate the user (and groups after it) the process's API client acts as, through
   *     Fabric8's impersonation properties; empty to act as the kubeconfig's user
   */
  static JarProcess start(String name, Path jar, Path logDir, List<String> jvm,
      List<String> impersonate, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of(JAVA.toString()));
    command.addAll(jvm);
    if (!impersonate.isEmpty()) {
      command.add("-Dkubernetes.impersonate.username=" + impersonate.get(0));
      if (impersonate.size() > 1) {
        command.add("-Dkubernetes.impersonate.group="
            + String.join(",", impersonate.subList(1, impersonate.size())));
      }
    }
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    try {
      return new JarProcess(name, log, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits until the log matches {@code pattern}; returns the first group of the match. */
  String awaitLog(Pattern pattern, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Matcher m = pattern.matcher(logText());
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue()
            + "; log " + log + ":\n" + tail());
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " did not log /" + pattern + "/ within " + timeout
        + "; log " + log + ":\n" + tail());
  }

  String tail() {
    List<String> lines = logText().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  /** Heap in use after two full collections (jcmd GC.run, then GC.heap_info), in MiB. */
  double heapAfterGcMib() {
    jcmd("GC.run");
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    // "def new generation total 9792K, used 1234K ..." and "tenured generation total ..., used"
    Matcher m = Pattern.compile("(?:generation|space)\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K")
        .matcher(info);
    long kib = 0;
    boolean found = false;
    while (m.find()) {
      kib += Long.parseLong(m.group(1));
      found = true;
    }
    if (!found) {
      Matcher g1 = Pattern.compile("garbage-first heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K")
          .matcher(info);
      if (!g1.find()) {
        return Double.NaN;
      }
      kib = Long.parseLong(g1.group(1));
    }
    return kib / 1024.0;
  }

  /** Resident set size from /proc, in MiB. */
  double rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process ended
    }
    return Double.NaN;
  }

  /** The classes with the most live bytes, as {@code jcmd GC.class_histogram} lists them. */
  String heapHistogram(int lines) {
    return String.join("\n", jcmd("GC.class_histogram").lines().limit(lines + 3L).toList());
  }

  /** CPU seconds (user + system) the process has used, from /proc. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  String jcmd(String command) {
    try {
      Process p = new ProcessBuilder(JCMD.toString(), Long.toString(pid()), command)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(120, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
