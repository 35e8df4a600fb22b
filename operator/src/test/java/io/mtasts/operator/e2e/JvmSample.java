package io.mtasts.operator.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What the fault runs read from an operator JVM from the outside, as an operator's user would
 * with the JDK's tools: used heap (jstat), used heap after a full collection (jcmd GC.run, then
 * jstat) and the number of threads (/proc).
 */
final class JvmSample {

  private JvmSample() {}

  /** Used heap (survivor, eden and old generation) in KiB, or empty if the process is gone. */
  static OptionalLong usedHeapKib(long pid) {
    String out = run(List.of(tool("jstat"), "-gc", Long.toString(pid)));
    if (out == null) {
      return OptionalLong.empty();
    }
    String[] lines = out.trim().split("\n");
    if (lines.length < 2) {
      return OptionalLong.empty();
    }
    List<String> head = List.of(lines[0].trim().split("\\s+"));
    String[] row = lines[1].trim().split("\\s+");
    double used = 0;
    try {
      for (String column : List.of("S0U", "S1U", "EU", "OU")) {
        int i = head.indexOf(column);
        if (i < 0 || i >= row.length) {
          return OptionalLong.empty();
        }
        used += Double.parseDouble(row[i]);
      }
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.of((long) used);
  }

  /** Used heap in KiB right after a full collection the JVM was asked for. */
  static OptionalLong heapAfterGcKib(long pid) {
    if (run(List.of(tool("jcmd"), Long.toString(pid), "GC.run")) == null) {
      return OptionalLong.empty();
    }
    return usedHeapKib(pid);
  }

  /** The process's thread count from /proc, or empty. */
  static OptionalLong threads(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Threads:")) {
          return OptionalLong.of(Long.parseLong(line.substring(8).trim()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process ended
    }
    return OptionalLong.empty();
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
