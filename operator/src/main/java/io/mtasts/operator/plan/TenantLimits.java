package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.KubeDuration;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a user who may create {@code MtaStsPolicy} resources, but not configure the operator, is
 * allowed to ask of it: which web-server images run, which annotations reach the Ingress (some
 * ingress controllers execute configuration taken from annotations), and how often the live
 * verification runs (each run is DNS, HTTPS and SMTP traffic from a shared pool).
 *
 * @param allowedImages images besides the operator's default web-server image that
 *     {@code spec.server.image} may name: an entry ending in {@code /}, {@code :} or {@code @}
 *     allows every image that starts with it, any other entry exactly that image
 * @param allowedIngressAnnotations key patterns of {@code spec.ingress.annotations}: a key, a
 *     prefix followed by {@code *}, or {@code *} alone; a key containing {@code snippet} is
 *     refused whatever the patterns say
 * @param minVerifyInterval the shortest {@code spec.verification.interval} accepted
 */
public record TenantLimits(
    List<String> allowedImages,
    List<String> allowedIngressAnnotations,
    Duration minVerifyInterval) {

  /**
   * cert-manager's annotations, and ingress-nginx's HTTPS redirects, none of which carries
   * configuration code. Others, such as ingress-nginx's {@code auth-url} or {@code
   * mirror-target}, make the controller contact addresses the resource names, and stay off until
   * an administrator allows them.
   */
  public static final List<String> DEFAULT_INGRESS_ANNOTATIONS = List.of(
      "cert-manager.io/*",
      "acme.cert-manager.io/*",
      "nginx.ingress.kubernetes.io/ssl-redirect",
      "nginx.ingress.kubernetes.io/force-ssl-redirect");

  public static final Duration DEFAULT_MIN_VERIFY_INTERVAL = Duration.ofMinutes(1);

  /** The part of a key that marks configuration code: refused whatever the patterns allow. */
  static final String SNIPPET = "snippet";

  public TenantLimits {
    allowedImages = List.copyOf(allowedImages);
    allowedIngressAnnotations = List.copyOf(allowedIngressAnnotations);
    Objects.requireNonNull(minVerifyInterval, "minVerifyInterval");
    allowedImages.forEach(i -> imageEntryProblem(i).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    }));
    allowedIngressAnnotations.forEach(a -> annotationPatternProblem(a).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    }));
  }

  /** Only the default image, the default annotation patterns, at most one check a minute. */
  public static TenantLimits defaults() {
    return new TenantLimits(List.of(), DEFAULT_INGRESS_ANNOTATIONS, DEFAULT_MIN_VERIFY_INTERVAL);
  }

  /** Why {@code entry} cannot be an entry of {@link #allowedImages}; empty when it can. */
  public static Optional<String> imageEntryProblem(String entry) {
    if (entry.isEmpty() || entry.chars().anyMatch(Character::isWhitespace)) {
      return Optional.of("'" + entry + "' is not an image or image prefix");
    }
    return Optional.empty();
  }

  /** Why {@code pattern} cannot be an annotation key pattern; empty when it can. */
  public static Optional<String> annotationPatternProblem(String pattern) {
    if (pattern.isEmpty() || pattern.chars().anyMatch(Character::isWhitespace)
        || pattern.indexOf('*') >= 0 && pattern.indexOf('*') != pattern.length() - 1) {
      return Optional.of("'" + pattern + "' is not a key, a prefix followed by *, or *");
    }
    if (pattern.toLowerCase(Locale.ROOT).contains(SNIPPET)) {
      return Optional.of("'" + pattern + "' names snippet annotations, which are always"
          + " refused");
    }
    return Optional.empty();
  }

  /** Problems of {@code spec} with these limits, each naming its field and what is allowed. */
  public List<String> problems(MtaStsPolicySpec spec, String defaultImage) {
    List<String> problems = new ArrayList<>();
    String image = spec.getServer() == null ? null : spec.getServer().getImage();
    if (image != null && !image.isBlank() && !imageAllowed(image, defaultImage)) {
      problems.add("spec.server.image: '" + image + "' is not allowed by the operator's"
          + " settings; allowed: " + allowedImagesText(defaultImage)
          + ", or omit it for the default");
    }
    Map<String, String> annotations =
        spec.getIngress() == null ? null : spec.getIngress().getAnnotations();
    if (annotations != null) {
      for (String key : new TreeMap<>(annotations).keySet()) {
        if (key.toLowerCase(Locale.ROOT).contains(SNIPPET)) {
          problems.add("spec.ingress.annotations: '" + key + "' is refused: annotations whose"
              + " key contains '" + SNIPPET + "' carry web-server configuration and are never"
              + " copied to the Ingress");
        } else if (!annotationAllowed(key)) {
          problems.add("spec.ingress.annotations: '" + key + "' is not allowed by the"
              + " operator's settings; allowed keys: " + (allowedIngressAnnotations.isEmpty()
                  ? "none" : String.join(", ", allowedIngressAnnotations)));
        }
      }
    }
    String interval = spec.getVerification() == null ? null
        : spec.getVerification().getInterval();
    if (interval != null) {
      try {
        Duration d = KubeDuration.parse(interval);
        if (d.compareTo(minVerifyInterval) < 0) {
          problems.add("spec.verification.interval: " + interval + " is shorter than the"
              + " operator's minimum of " + KubeDuration.format(minVerifyInterval) + "; use "
              + KubeDuration.format(minVerifyInterval) + " or longer, or omit it for the"
              + " operator's interval");
        }
      } catch (IllegalArgumentException e) {
        // the syntax is the spec validator's to report
      }
    }
    return problems;
  }

  /**
   * Why {@code image}, asked for in {@code field}, is not allowed besides {@code defaultImage};
   * empty when it is, or when no image is asked for.
   */
  public Optional<String> imageProblem(String field, String image, String defaultImage) {
    if (image == null || image.isBlank() || imageAllowed(image, defaultImage)) {
      return Optional.empty();
    }
    return Optional.of(field + ": '" + image + "' is not allowed by the operator's settings;"
        + " allowed: " + allowedImagesText(defaultImage) + ", or omit it for the default");
  }

  private boolean imageAllowed(String image, String defaultImage) {
    if (image.equals(defaultImage)) {
      return true;
    }
    for (String entry : allowedImages) {
      boolean prefix = entry.endsWith("/") || entry.endsWith(":") || entry.endsWith("@");
      if (image.equals(entry) || prefix && image.startsWith(entry)
          && image.length() > entry.length()) {
        return true;
      }
    }
    return false;
  }

  private String allowedImagesText(String defaultImage) {
    List<String> allowed = new ArrayList<>();
    allowed.add(defaultImage);
    for (String entry : allowedImages) {
      boolean prefix = entry.endsWith("/") || entry.endsWith(":") || entry.endsWith("@");
      allowed.add(prefix ? entry + "..." : entry);
    }
    return String.join(", ", allowed);
  }

  private boolean annotationAllowed(String key) {
    for (String pattern : allowedIngressAnnotations) {
      if (pattern.endsWith("*")
          ? key.startsWith(pattern.substring(0, pattern.length() - 1))
          : key.equals(pattern)) {
        return true;
      }
    }
    return false;
  }
}
