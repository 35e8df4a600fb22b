package io.mtasts.operator.api.v1alpha1;

/**
 * The single definition of every default value of {@link MtaStsPolicySpec}.
 *
 * <p>The same constants feed the {@code @Default} annotations (so the API server fills them in)
 * and the {@code effective...()} accessors (so code reading a CR that never went through the API
 * server, such as {@code render -f}, sees the same values). Annotation values must be
 * compile-time constant strings, hence each non-string default also exists as text built from
 * the typed constant.
 */
public final class SpecDefaults {

  /** Wire value of the default {@link Mode}: testing reports problems without refusing mail. */
  public static final String MODE = "testing";

  /** One week: long enough to ride out outages, short enough to change course. */
  public static final long MAX_AGE_SECONDS = 604_800L;

  public static final String MAX_AGE_SECONDS_TEXT = "" + MAX_AGE_SECONDS;

  /** Two replicas keep the policy served while one pod is rescheduled. */
  public static final int SERVER_REPLICAS = 2;

  public static final String SERVER_REPLICAS_TEXT = "" + SERVER_REPLICAS;

  /** Wire value of the default {@link IssuerKind}. */
  public static final String ISSUER_KIND = "ClusterIssuer";

  public static final String ISSUER_GROUP = "cert-manager.io";

  /** Publishing DNS is opt-in because most domains keep their zone outside the cluster. */
  public static final boolean EXTERNAL_DNS = false;

  public static final String EXTERNAL_DNS_TEXT = "" + EXTERNAL_DNS;

  public static final boolean VERIFICATION_ENABLED = true;

  public static final String VERIFICATION_ENABLED_TEXT = "" + VERIFICATION_ENABLED;

  /** Off by default because outbound port 25 is blocked in many clusters. */
  public static final boolean PROBE_MX = false;

  public static final String PROBE_MX_TEXT = "" + PROBE_MX;

  /** Wire value of the default {@link GatewayListener}: the one path that scales to many hosts. */
  public static final String GATEWAY_LISTENER = "ListenerSet";

  /** Port of the ListenerSet's HTTPS listener. */
  public static final int GATEWAY_PORT = 443;

  public static final String GATEWAY_PORT_TEXT = "" + GATEWAY_PORT;

  private SpecDefaults() {}
}
