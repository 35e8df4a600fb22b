package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mtasts.operator.localserver.LocalApiServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The mock API server in a JVM of its own, so that the benchmark's JVM holds the operator and
 * little else and its heap and RSS are the operator's. Prints {@code URL <master url>}, then
 * answers one command per line on standard input: {@code writes} (write requests seen so far),
 * {@code clear} (forget them), {@code heap} (heap after GC in MiB, RSS in MiB), {@code cpu}
 * (CPU seconds used). Ends with its input.
 */
public final class MockApiServerProcess {

  private MockApiServerProcess() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (LocalApiServer api = new LocalApiServer()) {
      try (KubernetesClient client = api.newClient()) {
        out.println("URL " + client.getConfiguration().getMasterUrl());
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "writes" -> out.println(api.writeCount());
          case "clear" -> {
            api.clearRequests();
            out.println("ok");
          }
          case "heap" -> out.println(JvmUsage.heapAfterGcMib() + " "
              + JvmUsage.rssMib());
          case "cpu" -> out.println(JvmUsage.cpuSeconds());
          default -> out.println("unknown command " + line);
        }
      }
    }
    System.exit(0);
  }
}
