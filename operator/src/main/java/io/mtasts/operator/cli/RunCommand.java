package io.mtasts.operator.cli;

import io.mtasts.operator.runtime.LogSetup;
import io.mtasts.operator.runtime.OperatorConfig;
import io.mtasts.operator.runtime.OperatorRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

  @Option(names = "--watch-namespaces", paramLabel = "NS[,NS...]",
      description = "Namespaces to watch; empty for all (MTASTS_WATCH_NAMESPACES).")
  String watchNamespaces;

  @Option(names = "--leader-election", negatable = true, paramLabel = "BOOL",
      description = "Elect a leader through a Lease (MTASTS_LEADER_ELECTION, default true).")
  Boolean leaderElection;

  @Option(names = "--lease-name", description = "Name of the Lease (MTASTS_LEASE_NAME).")
  String leaseName;

  @Option(names = "--lease-namespace",
      description = "Namespace of the Lease; default POD_NAMESPACE (MTASTS_LEASE_NAMESPACE).")
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
    if (!clusterConfigured(System.getenv())) {
      throw new UsageException("no cluster is configured (not in a pod, no KUBECONFIG and no"
          + " ~/.kube/config); to try the operator without a cluster, run the 'demo' command");
    }
    LogSetup.apply(config.logFormat(), config.logLevel());
    OperatorRuntime runtime = OperatorRuntime.builder(config).build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runtime.close();
      stopped.countDown();
    }, "shutdown"));
    runtime.start();
    stopped.await();
    return 0;
  }

  /** The configuration from the environment with the flags given; exit 2 when it is invalid. */
  OperatorConfig config(Map<String, String> env) {
    Map<String, String> overrides = new LinkedHashMap<>();
    put(overrides, "MTASTS_WATCH_NAMESPACES", watchNamespaces);
    put(overrides, "MTASTS_LEADER_ELECTION", leaderElection);
    put(overrides, "MTASTS_LEASE_NAME", leaseName);
    put(overrides, "MTASTS_LEASE_NAMESPACE", leaseNamespace);
    put(overrides, "MTASTS_HTTP_PORT", httpPort);
    put(overrides, "MTASTS_HTTP_ADDRESS", httpAddress);
    put(overrides, "MTASTS_WEB_SERVER_IMAGE", webServerImage);
    put(overrides, "MTASTS_INGRESS_CLASS", ingressClass);
    put(overrides, "MTASTS_DEFAULT_ISSUER", defaultIssuer);
    put(overrides, "MTASTS_VERIFY_INTERVAL", verifyInterval);
    put(overrides, "MTASTS_VERIFY_CONCURRENCY", verifyConcurrency);
    put(overrides, "MTASTS_DNS_SERVERS", dnsServers == null ? null : String.join(",", dnsServers));
    put(overrides, "MTASTS_CA_FILE", caFile);
    put(overrides, "MTASTS_ALLOW_PRIVATE", allowPrivate);
    put(overrides, "MTASTS_LOG_FORMAT", logFormat);
    put(overrides, "MTASTS_LOG_LEVEL", logLevel);
    put(overrides, "MTASTS_ALLOWED_IMAGES", allowedImages);
    put(overrides, "MTASTS_ALLOWED_INGRESS_ANNOTATIONS", allowedIngressAnnotations);
    put(overrides, "MTASTS_MIN_VERIFY_INTERVAL", minVerifyInterval);
    try {
      return OperatorConfig.from(env, overrides);
    } catch (OperatorConfig.InvalidConfigException e) {
      throw new UsageException("invalid configuration: " + e.getMessage());
    }
  }

  static boolean clusterConfigured(Map<String, String> env) {
    if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
      return true;
    }
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return java.util.Arrays.stream(kubeconfig.split(java.io.File.pathSeparator))
          .anyMatch(p -> java.nio.file.Files.isReadable(java.nio.file.Path.of(p)));
    }
    return java.nio.file.Files.isReadable(
        java.nio.file.Path.of(System.getProperty("user.home"), ".kube", "config"));
  }

  private static void put(Map<String, String> map, String key, Object value) {
    if (value != null) {
      map.put(key, value.toString());
    }
  }
}
