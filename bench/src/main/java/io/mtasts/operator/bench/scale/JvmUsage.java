package io.mtasts.operator.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What this JVM uses: heap after a full collection, resident size, CPU, JIT and GC time, threads
 * started, and on request the JVM's own breakdowns (native memory, heap histogram).
 */
final class JvmUsage {

  private static final double MIB = 1024.0 * 1024.0;
  /** Clock ticks per second of /proc's CPU times; 100 on every Linux that matters. */
  private static final double TICKS = 100.0;

  private JvmUsage() {}

  /** Counters that only grow, taken together so that two of them can be subtracted. */
  record Counters(double cpuSeconds, double jitSeconds, double gcSeconds, long threadsStarted) {

    static Counters now() {
      var os = ManagementFactory.getOperatingSystemMXBean();
      double cpu = os instanceof com.sun.management.OperatingSystemMXBean sun
          ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
      var jit = ManagementFactory.getCompilationMXBean();
      // elapsed time of the compiler threads; close to their CPU time unless CPUs are scarce
      double jitSeconds = jit != null && jit.isCompilationTimeMonitoringSupported()
          ? jit.getTotalCompilationTime() / 1000.0 : Double.NaN;
      double gc = ManagementFactory.getGarbageCollectorMXBeans().stream()
          .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum() / 1000.0;
      return new Counters(cpu, jitSeconds, gc,
          ManagementFactory.getThreadMXBean().getTotalStartedThreadCount());
    }

    Counters since(Counters before) {
      return new Counters(cpuSeconds - before.cpuSeconds, jitSeconds - before.jitSeconds,
          gcSeconds - before.gcSeconds, threadsStarted - before.threadsStarted);
    }
  }

  /** Heap in use after full collections (System.gc() is a full GC here), in MiB. */
  static double heapAfterGcMib() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MIB;
  }

  /** Resident set size from /proc (Linux), in MiB; -1 where that is not available. */
  static double rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: reported as unknown
    }
    return -1;
  }

  static long maxHeapMib() {
    return Math.round(Runtime.getRuntime().maxMemory() / MIB);
  }

  /** CPU seconds used so far. */
  static double cpuSeconds() {
    return Counters.now().cpuSeconds();
  }

  /**
   * CPU seconds by thread name (digits folded), from /proc, so that JIT and GC threads count
   * too; the largest first. Linux only; empty elsewhere.
   */
  static List<Map.Entry<String, Double>> cpuByThread() {
    Map<String, Double> byName = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              .replaceAll("[0-9]+", "N");
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // utime and stime, the 14th and 15th fields of stat
          double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
          byName.merge(name, seconds, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return byName.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
  }

  /**
   * The JVM's own account of its native memory by area, when it runs with
   * -XX:NativeMemoryTracking=summary; empty otherwise.
   */
  static String nativeMemorySummary() {
    String text = diagnosticCommand("vmNativeMemory", "summary", "scale=MB");
    return text.contains("not enabled") ? "" : text;
  }

  /** The classes with the most live bytes on the heap, as jmap -histo:live shows them. */
  static String heapHistogram(int lines) {
    return String.join("\n",
        diagnosticCommand("gcClassHistogram").lines().limit(lines + 3L).toList());
  }

  private static String diagnosticCommand(String operation, String... arguments) {
    try {
      return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
          new Object[] {arguments}, new String[] {String[].class.getName()}));
    } catch (JMException e) {
      return "";
    }
  }
}
