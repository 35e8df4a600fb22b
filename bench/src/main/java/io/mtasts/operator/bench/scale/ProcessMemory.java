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

  static long maxHeapMib() {
    return Math.round(Runtime.getRuntime().maxMemory() / MIB);
  }
}
