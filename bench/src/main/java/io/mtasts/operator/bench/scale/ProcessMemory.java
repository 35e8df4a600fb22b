package io.mtasts.operator.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The memory figures of this JVM: heap in use after a full collection, and resident size. */
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

  static long maxHeapMib() {
    return Math.round(Runtime.getRuntime().maxMemory() / MIB);
  }
}
