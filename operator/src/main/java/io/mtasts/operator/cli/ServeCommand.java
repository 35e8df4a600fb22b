package io.mtasts.operator.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.mtasts.operator.runtime.LogSetup;
import io.mtasts.operator.serve.ServeConfig;
import io.mtasts.operator.serve.ServeRuntime;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the shared policy server. Answers {@code /.well-known/mta-sts.txt} for every
 * policy whose {@code status.shared} names the given MtaStsPolicyServer.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the policies that the operator handed to one MtaStsPolicyServer, by Host name.",
      "Needs only get, list and watch on mtastspolicies. Every flag overrides the environment"
          + " variable named in its description."
    })
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--server", paramLabel = "NAMESPACE/NAME",
      description = "The MtaStsPolicyServer whose policies are served (MTASTS_SERVE_SERVER).")
  String server;

  @Option(names = "--namespaces", paramLabel = "NS[,NS...]",
      description = "Namespaces to watch; empty for all (MTASTS_SERVE_NAMESPACES).")
  String namespaces;

  @Option(names = "--address",
      description = "Address both ports bind (MTASTS_SERVE_ADDRESS, default 0.0.0.0).")
  String address;

  @Option(names = "--port",
      description = "Port of the policy host (MTASTS_SERVE_PORT, default 8080).")
  String port;

  @Option(names = "--management-port",
      description = "Port of /healthz, /readyz and /metrics (MTASTS_SERVE_MANAGEMENT_PORT,"
          + " default 8081).")
  String managementPort;

  @Option(names = "--log-format", paramLabel = "text|json",
      description = "Log output format (MTASTS_LOG_FORMAT, default text).")
  String logFormat;

  @Option(names = "--log-level", description = "Log level (MTASTS_LOG_LEVEL, default INFO).")
  String logLevel;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    ServeConfig config = config(env);
    Optional<String> noCluster =
        RunCommand.clusterProblem(env, Path.of(System.getProperty("user.home")));
    if (noCluster.isPresent()) {
      throw new UsageException(noCluster.get().replace("'run'", "'serve'"));
    }
    String format =
        Optional.ofNullable(logFormat).orElse(env.getOrDefault("MTASTS_LOG_FORMAT", "text"));
    if (!format.equals("text") && !format.equals("json")) {
      throw new UsageException("invalid configuration: "
          + (logFormat != null ? "--log-format" : "MTASTS_LOG_FORMAT") + "='" + format
          + "': text or json is allowed");
    }
    LogSetup.apply(format,
        Optional.ofNullable(logLevel).orElse(env.getOrDefault("MTASTS_LOG_LEVEL", "INFO")));
    KubernetesClient client = new KubernetesClientBuilder().build();
    ServeRuntime runtime = ServeRuntime.start(client, config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runtime.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  /** The settings from the environment with the flags given; exit 2 when one is invalid. */
  ServeConfig config(Map<String, String> env) {
    Map<String, String> values = new HashMap<>(env);
    Map<String, String> names = new LinkedHashMap<>();
    put(values, names, "--server", ServeConfig.SERVER, server);
    put(values, names, "--namespaces", ServeConfig.NAMESPACES, namespaces);
    put(values, names, "--address", ServeConfig.ADDRESS, address);
    put(values, names, "--port", ServeConfig.PORT, port);
    put(values, names, "--management-port", ServeConfig.MANAGEMENT_PORT, managementPort);
    try {
      return ServeConfig.from(values, names);
    } catch (ServeConfig.InvalidException e) {
      throw new UsageException("invalid configuration: " + e.getMessage());
    }
  }

  private static void put(Map<String, String> values, Map<String, String> names, String flag,
      String key, String value) {
    if (value != null) {
      values.put(key, value);
      names.put(key, flag);
    }
  }
}
