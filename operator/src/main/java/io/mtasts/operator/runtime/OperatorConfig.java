package io.mtasts.operator.runtime;

import io.mtasts.operator.api.v1alpha1.ExposureType;
import io.mtasts.operator.api.v1alpha1.IssuerKind;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.api.v1alpha1.KubeDuration;
import io.mtasts.operator.api.v1alpha1.SpecDefaults;
import io.mtasts.operator.plan.GatewayApiSettings;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.TenantLimits;
import io.mtasts.operator.reconciler.ReconcilerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The operator's configuration: environment variables (set by the Helm chart), overridden by
 * command-line flags, each validated with a message that names the variable and what is allowed.
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseName,
    Optional<String> leaseNamespace,
    Optional<String> identity,
    int httpPort,
    String httpAddress,
    String webServerImage,
    String ingressClass,
    Optional<IssuerRef> defaultIssuer,
    Duration verifyInterval,
    int verifyConcurrency,
    List<String> dnsServers,
    Optional<Path> caFile,
    boolean allowPrivate,
    String logFormat,
    String logLevel,
    TenantLimits limits,
    boolean probeAllowLoopback,
    String serverImage,
    GatewayApiSettings gatewayApi,
    Optional<Duration> retirementMaxHold) {

  /**
   * The image of shared policy servers when the chart does not set it: this build's own image.
   * A development build, which has no version, falls back to the latest published one.
   */
  public static final String DEFAULT_SERVER_IMAGE = "ghcr.io/mtasts/mta-sts-operator:"
      + Optional.ofNullable(OperatorConfig.class.getPackage().getImplementationVersion())
          .map(v -> v.replace("-SNAPSHOT", "")).orElse("latest");

  /** Every setting: its environment variable and its default, in documentation order. */
  public static final Map<String, String> DEFAULTS = defaults();

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("MTASTS_WATCH_NAMESPACES", "");
    d.put("MTASTS_LEADER_ELECTION", "true");
    d.put("MTASTS_LEASE_NAME", "mta-sts-operator");
    d.put("MTASTS_LEASE_NAMESPACE", "");
    d.put("MTASTS_HTTP_PORT", "8080");
    d.put("MTASTS_HTTP_ADDRESS", "0.0.0.0");
    d.put("MTASTS_WEB_SERVER_IMAGE", PlanSettings.DEFAULT_WEB_SERVER_IMAGE);
    d.put("MTASTS_INGRESS_CLASS", "");
    d.put("MTASTS_DEFAULT_ISSUER", "");
    d.put("MTASTS_VERIFY_INTERVAL", "15m");
    d.put("MTASTS_VERIFY_CONCURRENCY", "8");
    d.put("MTASTS_DNS_SERVERS", "");
    d.put("MTASTS_CA_FILE", "");
    d.put("MTASTS_ALLOW_PRIVATE", "false");
    d.put("MTASTS_LOG_FORMAT", "text");
    d.put("MTASTS_LOG_LEVEL", "INFO");
    d.put("MTASTS_ALLOWED_IMAGES", "");
    d.put("MTASTS_ALLOWED_INGRESS_ANNOTATIONS",
        String.join(",", TenantLimits.DEFAULT_INGRESS_ANNOTATIONS));
    d.put("MTASTS_MIN_VERIFY_INTERVAL", KubeDuration.format(
        TenantLimits.DEFAULT_MIN_VERIFY_INTERVAL));
    d.put("MTASTS_PROBE_ALLOW_LOOPBACK", "false");
    d.put("MTASTS_SERVER_IMAGE", DEFAULT_SERVER_IMAGE);
    d.put("MTASTS_GATEWAY_API", "false");
    d.put("MTASTS_DEFAULT_EXPOSURE", ExposureType.INGRESS.value());
    d.put("MTASTS_DEFAULT_GATEWAY", "");
    d.put("MTASTS_DEFAULT_GATEWAY_LISTENER", SpecDefaults.GATEWAY_LISTENER);
    d.put("MTASTS_DEFAULT_GATEWAY_SECTION", "");
    d.put("MTASTS_RETIREMENT_MAX_HOLD", "");
    return java.util.Collections.unmodifiableMap(d);
  }

  /** A bad setting: the message names every variable that is wrong. */
  public static final class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidConfigException(List<String> problems) {
      super(String.join("; ", problems));
    }
  }

  /**
   * Reads the configuration. {@code overrides} (from flags) win over {@code env}; POD_NAME and
   * POD_NAMESPACE come from the downward API.
   */
  public static OperatorConfig from(Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    env.forEach((k, v) -> {
      if (DEFAULTS.containsKey(k) && v != null) {
        values.put(k, v.trim());
      }
    });
    overrides.forEach((k, v) -> {
      if (!DEFAULTS.containsKey(k)) {
        throw new IllegalArgumentException("unknown setting " + k);
      }
      values.put(k, v.trim());
    });
    Reader r = new Reader(values);
    Set<String> namespaces = r.get("MTASTS_WATCH_NAMESPACES", OperatorConfig::namespaces,
        "a comma-separated list of namespace names, or empty for all namespaces");
    Boolean leaderElection = r.get("MTASTS_LEADER_ELECTION", OperatorConfig::bool, "true or false");
    String leaseName = r.get("MTASTS_LEASE_NAME", OperatorConfig::name, "a lower-case name");
    String leaseNamespace = values.get("MTASTS_LEASE_NAMESPACE").isEmpty()
        ? env.getOrDefault("POD_NAMESPACE", "") : values.get("MTASTS_LEASE_NAMESPACE");
    Integer port = r.get("MTASTS_HTTP_PORT", s -> intIn(s, 0, 65535), "a port number 0..65535");
    String address = r.get("MTASTS_HTTP_ADDRESS", OperatorConfig::nonEmpty, "an IP address");
    String image = r.get("MTASTS_WEB_SERVER_IMAGE", OperatorConfig::nonEmpty, "an image name");
    Optional<IssuerRef> issuer = r.get("MTASTS_DEFAULT_ISSUER", OperatorConfig::issuer,
        "empty, or Kind/name with Kind ClusterIssuer or Issuer, such as ClusterIssuer/letsencrypt");
    Duration interval = r.get("MTASTS_VERIFY_INTERVAL", OperatorConfig::interval,
        "a duration of at least 30s such as 15m or 1h");
    Integer concurrency = r.get("MTASTS_VERIFY_CONCURRENCY", s -> intIn(s, 1, 256),
        "a whole number 1..256");
    List<String> dns = r.get("MTASTS_DNS_SERVERS", OperatorConfig::hostPorts,
        "a comma-separated list of host or host:port, or empty for the system's resolvers");
    Optional<Path> ca = r.get("MTASTS_CA_FILE", OperatorConfig::caFile,
        "empty, or the path of a readable PEM file");
    Boolean allowPrivate = r.get("MTASTS_ALLOW_PRIVATE", OperatorConfig::bool, "true or false");
    String logFormat = r.get("MTASTS_LOG_FORMAT", s -> oneOf(s, "text", "json"), "text or json");
    String logLevel = r.get("MTASTS_LOG_LEVEL",
        s -> oneOf(s.toUpperCase(Locale.ROOT), "TRACE", "DEBUG", "INFO", "WARN", "ERROR"),
        "one of TRACE, DEBUG, INFO, WARN, ERROR");
    List<String> images = r.get("MTASTS_ALLOWED_IMAGES",
        s -> list(s, TenantLimits::imageEntryProblem),
        "a comma-separated list of images, or of prefixes ending in /, : or @; empty allows"
            + " only MTASTS_WEB_SERVER_IMAGE");
    List<String> annotations = r.get("MTASTS_ALLOWED_INGRESS_ANNOTATIONS",
        s -> list(s, TenantLimits::annotationPatternProblem),
        "a comma-separated list of annotation keys or prefixes ending in *; keys containing"
            + " 'snippet' are always refused and cannot be listed");
    Duration minInterval = r.get("MTASTS_MIN_VERIFY_INTERVAL", OperatorConfig::minInterval,
        "a duration of at least 1s such as 1m");
    if (interval != null && minInterval != null && interval.compareTo(minInterval) < 0) {
      r.problems.add("MTASTS_VERIFY_INTERVAL='" + values.get("MTASTS_VERIFY_INTERVAL")
          + "' is shorter than MTASTS_MIN_VERIFY_INTERVAL='"
          + values.get("MTASTS_MIN_VERIFY_INTERVAL") + "': the default interval must be one"
          + " a resource could set");
    }
    Boolean probeAllowLoopback =
        r.get("MTASTS_PROBE_ALLOW_LOOPBACK", OperatorConfig::bool, "true or false");
    String serverImage = r.get("MTASTS_SERVER_IMAGE", OperatorConfig::nonEmpty,
        "an image name (the operator's own image)");
    GatewayApiSettings gatewayApi = GatewayApiConfig.read(values, r.problems);
    Optional<Duration> maxHold = r.get("MTASTS_RETIREMENT_MAX_HOLD",
        OperatorConfig::maxHold, "empty for no cap, or a duration such as 0s, 24h or 168h");
    if (!r.problems.isEmpty()) {
      throw new InvalidConfigException(r.problems);
    }
    String identity = env.getOrDefault("POD_NAME", "");
    return new OperatorConfig(namespaces, leaderElection, leaseName,
        leaseNamespace.isEmpty() ? Optional.empty() : Optional.of(leaseNamespace),
        identity.isEmpty() ? Optional.empty() : Optional.of(identity),
        port, address, image, values.get("MTASTS_INGRESS_CLASS"), issuer, interval, concurrency,
        dns, ca, allowPrivate, logFormat, logLevel,
        new TenantLimits(images, annotations, minInterval), probeAllowLoopback, serverImage,
        gatewayApi, maxHold);
  }

  /** The live verifier of the operator, as configured. */
  public io.mtasts.operator.verify.VerifierSettings verifierSettings() {
    return io.mtasts.operator.verify.VerifierSettings.builder()
        .dnsServers(dnsServers)
        .caFile(caFile)
        .allowPrivate(allowPrivate)
        .build();
  }

  /** The part of the configuration the reconciler applies to resources. */
  public ReconcilerSettings reconcilerSettings() {
    return new ReconcilerSettings(webServerImage, ingressClass, defaultIssuer,
        Duration.ofSeconds(10), verifyInterval, limits, gatewayApi);
  }

  /** The part of the configuration that shapes shared policy servers. */
  public io.mtasts.operator.reconciler.server.ServerSettings serverSettings() {
    return new io.mtasts.operator.reconciler.server.ServerSettings(serverImage, watchNamespaces,
        limits);
  }

  /** The part of the configuration that shapes the children, as {@code render} applies it. */
  public PlanSettings planSettings() {
    return reconcilerSettings().plan();
  }

  /** Collects every problem, so one run reports all bad variables at once. */
  private static final class Reader {
    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> values) {
      this.values = values;
    }

    <T> T get(String key, Function<String, T> parse, String allowed) {
      String value = values.get(key);
      try {
        return parse.apply(value);
      } catch (IllegalArgumentException e) {
        problems.add(key + "='" + value + "' is invalid: expected " + allowed);
        return null;
      }
    }
  }

  private static Set<String> namespaces(String s) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : s.split(",")) {
      String ns = part.trim();
      if (ns.isEmpty()) {
        continue;
      }
      if (!NAMESPACE.matcher(ns).matches()) {
        throw new IllegalArgumentException(ns);
      }
      out.add(ns);
    }
    return Set.copyOf(out);
  }

  private static boolean bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(s);
    };
  }

  private static String name(String s) {
    if (!NAMESPACE.matcher(s).matches()) {
      throw new IllegalArgumentException(s);
    }
    return s;
  }

  private static String nonEmpty(String s) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    return s;
  }

  private static int intIn(String s, int min, int max) {
    int n = Integer.parseInt(s);
    if (n < min || n > max) {
      throw new IllegalArgumentException(s);
    }
    return n;
  }

  private static String oneOf(String s, String... allowed) {
    if (!Arrays.asList(allowed).contains(s)) {
      throw new IllegalArgumentException(s);
    }
    return s;
  }

  private static Optional<IssuerRef> issuer(String s) {
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = s.split("/", -1);
    if (parts.length != 2 || parts[1].isEmpty()) {
      throw new IllegalArgumentException(s);
    }
    IssuerKind kind = IssuerKind.fromValue(parts[0]);
    return Optional.of(new IssuerRef(parts[1], kind, SpecDefaults.ISSUER_GROUP));
  }

  private static Duration interval(String s) {
    Duration d = KubeDuration.parse(s);
    if (d.compareTo(Duration.ofSeconds(30)) < 0) {
      throw new IllegalArgumentException(s);
    }
    return d;
  }

  private static Optional<Duration> maxHold(String s) {
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Duration d = KubeDuration.parse(s);
    if (d.isNegative()) {
      throw new IllegalArgumentException(s);
    }
    return Optional.of(d);
  }

  private static Duration minInterval(String s) {
    Duration d = KubeDuration.parse(s);
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(s);
    }
    return d;
  }

  /** A comma-separated list, each entry checked by {@code problem}. */
  private static List<String> list(String s, Function<String, Optional<String>> problem) {
    List<String> out = new ArrayList<>();
    for (String part : s.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      problem.apply(entry).ifPresent(p -> {
        throw new IllegalArgumentException(p);
      });
      out.add(entry);
    }
    return List.copyOf(out);
  }

  private static List<String> hostPorts(String s) {
    List<String> out = new ArrayList<>();
    for (String part : s.split(",")) {
      String hp = part.trim();
      if (hp.isEmpty()) {
        continue;
      }
      if (!hp.matches("[A-Za-z0-9.:\\[\\]-]+")) {
        throw new IllegalArgumentException(hp);
      }
      out.add(hp);
    }
    return List.copyOf(out);
  }

  private static Optional<Path> caFile(String s) {
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(s);
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(s);
    }
    return Optional.of(p);
  }
}
