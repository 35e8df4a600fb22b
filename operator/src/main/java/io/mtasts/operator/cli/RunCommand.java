package io.mtasts.operator.cli;

import io.mtasts.operator.runtime.LogSetup;
import io.mtasts.operator.runtime.OperatorConfig;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code run}: the operator, against the in-cluster configuration or the current kubeconfig.
 * Settings come from MTASTS_* environment variables; each flag overrides its variable.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the operator against the cluster of the in-cluster configuration or the current"
          + " kubeconfig.",
      "Every flag overrides the environment variable named in its description."
    })
public final class RunCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--watch-namespaces", paramLabel = "NS[,NS...]",
      description = "Namespaces to watch; empty for all (MTASTS_WATCH_NAMESPACES).")
  String watchNamespaces;

  @Option(names = "--leader-election", negatable = true, paramLabel = "BOOL",
      description = "Elect a leader through a Lease (MTASTS_LEADER_ELECTION, default true).")
  Boolean leaderElection;

  @Option(names = "--lease-name", description = "Name of the Lease (MTASTS_LEASE_NAME).")
  String leaseName;

  @Option(names = "--lease-namespace",
      description = "Namespace of the Lease; default POD_NAMESPACE, else the kubeconfig"
          + " context's namespace, else default (MTASTS_LEASE_NAMESPACE).")
  String leaseNamespace;

  @Option(names = "--http-port",
      description = "Port of /healthz, /readyz and /metrics (MTASTS_HTTP_PORT, default 8080).")
  String httpPort;

  @Option(names = "--http-address",
      description = "Address the health endpoint binds (MTASTS_HTTP_ADDRESS, default 0.0.0.0).")
  String httpAddress;

  @Option(names = "--web-server-image",
      description = "Image of the policy web server (MTASTS_WEB_SERVER_IMAGE).")
  String webServerImage;

  @Option(names = "--ingress-class",
      description = "Default ingress class of policy hosts (MTASTS_INGRESS_CLASS).")
  String ingressClass;

  @Option(names = "--default-issuer", paramLabel = "KIND/NAME",
      description = "cert-manager issuer for resources naming none, e.g. ClusterIssuer/letsencrypt"
          + " (MTASTS_DEFAULT_ISSUER).")
  String defaultIssuer;

  @Option(names = "--verify-interval", paramLabel = "DURATION",
      description = "Default time between verifications (MTASTS_VERIFY_INTERVAL, default 15m).")
  String verifyInterval;

  @Option(names = "--verify-concurrency", paramLabel = "N",
      description = "Verifications at most at once (MTASTS_VERIFY_CONCURRENCY, default 8).")
  String verifyConcurrency;

  @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
      description = "DNS server for verification, repeatable (MTASTS_DNS_SERVERS).")
  List<String> dnsServers;

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "Extra trusted CA certificates for verification (MTASTS_CA_FILE).")
  String caFile;

  @Option(names = "--allow-private", negatable = true,
      description = "Let verification contact loopback and private addresses"
          + " (MTASTS_ALLOW_PRIVATE, default false).")
  Boolean allowPrivate;

  @Option(names = "--allowed-images", paramLabel = "IMAGE[,IMAGE...]",
      description = "Images besides the default that spec.server.image may name; an entry"
          + " ending in /, : or @ is a prefix (MTASTS_ALLOWED_IMAGES, default none).")
  String allowedImages;

  @Option(names = "--allowed-ingress-annotations", paramLabel = "KEY[,KEY...]",
      description = "Annotation keys spec.ingress.annotations may set, KEY or PREFIX*; keys"
          + " containing 'snippet' are always refused (MTASTS_ALLOWED_INGRESS_ANNOTATIONS).")
  String allowedIngressAnnotations;

  @Option(names = "--min-verify-interval", paramLabel = "DURATION",
      description = "Shortest spec.verification.interval accepted (MTASTS_MIN_VERIFY_INTERVAL,"
          + " default 1m).")
  String minVerifyInterval;

  @Option(names = "--log-format", paramLabel = "text|json",
      description = "Log output format (MTASTS_LOG_FORMAT, default text).")
  String logFormat;

  @Option(names = "--log-level", description = "Log level (MTASTS_LOG_LEVEL, default INFO).")
  String logLevel;

  @Override
  public Integer call() throws Exception {
    OperatorConfig config = config(System.getenv());
    Optional<String> noCluster =
        clusterProblem(System.getenv(), Path.of(System.getProperty("user.home")));
    if (noCluster.isPresent()) {
      throw new UsageException(noCluster.get());
    }
    LogSetup.apply(config.logFormat(), config.logLevel());
    OperatorRuntime runtime = OperatorRuntime.builder(config).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runtime.close();
      stopped.countDown();
    }, "shutdown"));
    try {
      runtime.start();
    } catch (OperatorRuntime.StartupException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
    stopped.await();
    return 0;
  }

  /** The configuration from the environment with the flags given; exit 2 when it is invalid. */
  OperatorConfig config(Map<String, String> env) {
    Map<String, String> overrides = new LinkedHashMap<>();
    Map<String, String> flags = new LinkedHashMap<>();
    put(overrides, flags, "--watch-namespaces", "MTASTS_WATCH_NAMESPACES", watchNamespaces);
    put(overrides, flags, "--leader-election", "MTASTS_LEADER_ELECTION", leaderElection);
    put(overrides, flags, "--lease-name", "MTASTS_LEASE_NAME", leaseName);
    put(overrides, flags, "--lease-namespace", "MTASTS_LEASE_NAMESPACE", leaseNamespace);
    put(overrides, flags, "--http-port", "MTASTS_HTTP_PORT", httpPort);
    put(overrides, flags, "--http-address", "MTASTS_HTTP_ADDRESS", httpAddress);
    put(overrides, flags, "--web-server-image", "MTASTS_WEB_SERVER_IMAGE", webServerImage);
    put(overrides, flags, "--ingress-class", "MTASTS_INGRESS_CLASS", ingressClass);
    put(overrides, flags, "--default-issuer", "MTASTS_DEFAULT_ISSUER", defaultIssuer);
    put(overrides, flags, "--verify-interval", "MTASTS_VERIFY_INTERVAL", verifyInterval);
    put(overrides, flags, "--verify-concurrency", "MTASTS_VERIFY_CONCURRENCY", verifyConcurrency);
    put(overrides, flags, "--dns-server", "MTASTS_DNS_SERVERS",
        dnsServers == null ? null : String.join(",", dnsServers));
    put(overrides, flags, "--ca-file", "MTASTS_CA_FILE", caFile);
    put(overrides, flags, "--allow-private", "MTASTS_ALLOW_PRIVATE", allowPrivate);
    put(overrides, flags, "--log-format", "MTASTS_LOG_FORMAT", logFormat);
    put(overrides, flags, "--log-level", "MTASTS_LOG_LEVEL", logLevel);
    put(overrides, flags, "--allowed-images", "MTASTS_ALLOWED_IMAGES", allowedImages);
    put(overrides, flags, "--allowed-ingress-annotations", "MTASTS_ALLOWED_INGRESS_ANNOTATIONS",
        allowedIngressAnnotations);
    put(overrides, flags, "--min-verify-interval", "MTASTS_MIN_VERIFY_INTERVAL",
        minVerifyInterval);
    try {
      return OperatorConfig.from(env, overrides);
    } catch (OperatorConfig.InvalidConfigException e) {
      // a value given as a flag is reported under the flag's name, not the variable it overrides
      String message = e.getMessage();
      for (Map.Entry<String, String> flag : flags.entrySet()) {
        message = message.replace(flag.getKey() + "='", flag.getValue() + "='");
      }
      throw new UsageException("invalid configuration: " + message);
    }
  }

  /** Why no cluster can be reached with this environment, or empty when one is configured. */
  static Optional<String> clusterProblem(Map<String, String> env, Path home) {
    if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
      return Optional.empty();
    }
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      List<String> unreadable = new ArrayList<>();
      for (String file : kubeconfig.split(File.pathSeparator)) {
        if (Files.isReadable(Path.of(file))) {
          return Optional.empty();
        }
        unreadable.add(file);
      }
      return Optional.of("KUBECONFIG names " + String.join(", ", unreadable) + ", which does"
          + " not exist or cannot be read; point KUBECONFIG at a kubeconfig file, or unset it"
          + " to use ~/.kube/config");
    }
    if (Files.isReadable(home.resolve(".kube").resolve("config"))) {
      return Optional.empty();
    }
    return Optional.of("no cluster is configured (not in a pod, KUBECONFIG is not set and there"
        + " is no ~/.kube/config); 'run' needs a cluster; to try the operator without one, run"
        + " the demo jar: java -jar demo/target/mta-sts-demo.jar");
  }

  private static void put(
      Map<String, String> map, Map<String, String> flags, String flag, String key, Object value) {
    if (value != null) {
      map.put(key, value.toString());
      flags.put(key, flag);
    }
  }
}
