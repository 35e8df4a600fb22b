package io.mtasts.operator.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resource figures of this JVM: heap in use after a full collection, resident size, CPU time.
 */
final class ProcessMemory {

  private static final double MIB = 1024.0 * 1024.0;

  private ProcessMemory() {}

  /** Heap in use after full collections (G1 runs a full GC on System.gc()), in MiB. */
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

  /**
   * The JVM's own account of its native memory by area, when it runs with
   * -XX:NativeMemoryTracking=summary; empty otherwise.
   */
  static String nativeMemorySummary() {
    try {
      Object out = ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
          "vmNativeMemory", new Object[] {new String[] {"summary", "scale=MB"}},
          new String[] {String[].class.getName()});
      String text = String.valueOf(out);
      return text.contains("not enabled") ? "" : text;
    } catch (javax.management.JMException e) {
      return "";
    }
  }

  /** The classes with the most live bytes on the heap, as jmap -histo:live shows them. */
  static String heapHistogram(int lines) {
    try {
      Object out = ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
          "gcClassHistogram", new Object[] {new String[0]},
          new String[] {String[].class.getName()});
      return String.join("\n", String.valueOf(out).lines().limit(lines + 3L).toList());
    } catch (javax.management.JMException e) {
      return "";
    }
  }

  /** CPU time this JVM has used so far, in seconds. */
  static double cpuSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** Time the JIT compilers have spent so far, in seconds (their threads' CPU, roughly). */
  static double jitSeconds() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime() / 1000.0 : Double.NaN;
  }

  /** Time spent in garbage collection so far, in seconds. */
  static double gcSeconds() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum() / 1000.0;
  }

  /**
   * CPU seconds by thread name (digits folded), from /proc, so JIT and GC threads count too;
   * the largest first. Linux only; empty elsewhere.
   */
  static java.util.List<java.util.Map.Entry<String, Double>> cpuByThread() {
    java.util.Map<String, Double> byName = new java.util.HashMap<>();
    double tick = 100.0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              .replaceAll("[0-9]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / tick;
          byName.merge(name, seconds, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return java.util.List.of();
    }
    return byName.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()).toList();
  }

  static long maxHeapMib() {
    return Math.round(Runtime.getRuntime().maxMemory() / MIB);
  }
}
