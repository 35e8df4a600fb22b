package io.mtasts.operator.api.v1alpha1;

/**
 * The patterns and bounds the CRD schema enforces, kept in one place so that the reconciler can
 * apply exactly the same checks to a CR that did not pass through the API server.
 *
 * <p>The API server evaluates schema patterns with RE2, so these use only the syntax RE2 and
 * {@link java.util.regex.Pattern} share: no look-around, no back-references.
 */
public final class SpecConstraints {

  private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

  /**
   * A lower-case A-label FQDN without the trailing dot. At least two labels, because the policy
   * host is {@code mta-sts.<domain>}; the last label starts with a letter so an IPv4 address is
   * never taken for a domain.
   */
  public static final String DOMAIN = "^(" + LABEL + "\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$";

  /**
   * The longest domain whose derived names all stay within DNS's 253 characters: the longest
   * prefix is {@code _smtp._tls.} with 11 characters.
   */
  public static final int DOMAIN_MAX_LENGTH = 242;

  /** A CEL transition rule: the API server evaluates it on updates only, against the old value. */
  public static final String DOMAIN_IMMUTABLE_RULE = "self == oldSelf";

  public static final String DOMAIN_IMMUTABLE_MESSAGE =
      "spec.domain cannot be changed: create a new MtaStsPolicy for the new domain and delete"
          + " this one (deleting it retires the old domain's policy)";

  /**
   * An RFC 8461 mx pattern: an RFC 5321 domain in lower case, optionally preceded by {@code *.}
   * as the whole left-most label.
   */
  public static final String MX = "^(\\*\\.)?(" + LABEL + "\\.)*" + LABEL + "$";

  public static final int MX_MAX_LENGTH = 253;

  /** Generous for any real mail setup, small enough to keep CEL rule costs bounded. */
  public static final int MX_MAX_ITEMS = 64;

  public static final long MAX_AGE_MIN_SECONDS = 0L;

  /** RFC 8461 max_age upper bound: one year of 365.25 days, in seconds. */
  public static final long MAX_AGE_MAX_SECONDS = 31_557_600L;

  /**
   * An RFC 8460 rua URI. Commas, semicolons and exclamation marks must be percent-encoded because
   * the TXT record uses them as separators.
   */
  public static final String RUA = "^(mailto|https):[^,;!\\s]+$";

  public static final int RUA_MAX_ITEMS = 16;

  public static final int SERVER_REPLICAS_MIN = 1;

  public static final int SERVER_REPLICAS_MAX = 10;

  /** A duration written the Kubernetes way, such as {@code 500ms}, {@code 15m} or {@code 1h30m}. */
  public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

  /** A Kubernetes object name (DNS subdomain), as Gateway and listener names are written. */
  public static final String OBJECT_NAME =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  public static final int OBJECT_NAME_MAX_LENGTH = 253;

  /** A namespace name (DNS label). */
  public static final String NAMESPACE = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  public static final int NAMESPACE_MAX_LENGTH = 63;

  private SpecConstraints() {}
}
