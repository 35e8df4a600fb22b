package io.mtasts.operator.api.v1alpha1;

/**
 * The reasons an {@code MtaStsPolicy}'s conditions give; part of the API like
 * {@link ConditionTypes}, because Events carry them and users filter on them
 * ({@code kubectl get events --field-selector reason=Conflict}).
 */
public final class ConditionReasons {

  /** Paused: the pause annotation is set. */
  public static final String PAUSED_BY_ANNOTATION = "PausedByAnnotation";
  /** Paused is False again: the annotation was removed. */
  public static final String RESUMED = "Resumed";

  /** Ready is False: the spec has problems and nothing was changed. */
  public static final String INVALID_SPEC = "InvalidSpec";
  /** Ready is False: an object not owned by the policy stands where a child must go. */
  public static final String CONFLICT = "Conflict";
  /** Ready is False: applying the children failed and is retried. */
  public static final String RECONCILE_ERROR = "ReconcileError";
  public static final String READY = "Ready";

  /** PolicyServed: the web server serves exactly the current policy. */
  public static final String SERVED = "Served";
  /** PolicyServed is False while a new policy rolls out; progress, not a problem. */
  public static final String ROLLING_OUT = "RollingOut";
  /** PolicyServed is False: the Service lists no ready endpoint, so nothing serves the policy. */
  public static final String NO_SERVING_ENDPOINT = "NoServingEndpoint";
  /** PolicyServed is False: an endpoint could not be asked, or answered with an error. */
  public static final String ENDPOINT_PROBE_FAILED = "EndpointProbeFailed";
  /** PolicyServed is False: an endpoint answered with bytes other than the new policy's. */
  public static final String SERVED_POLICY_DIFFERS = "ServedPolicyDiffers";
  /** PolicyServed is False: the id waits for cert-manager's Certificate to be Ready. */
  public static final String CERTIFICATE_NOT_READY = "CertificateNotReady";

  public static final String ISSUED = "Issued";
  /** CertificateReady is False while cert-manager issues; progress, not a problem. */
  public static final String ISSUING = "Issuing";
  public static final String CERT_MANAGER_NOT_INSTALLED = "CertManagerNotInstalled";
  public static final String EXISTING_SECRET = "ExistingSecret";
  public static final String NO_CERTIFICATE_SOURCE = "NoCertificateSource";

  /** DnsRecordsVerified and Verified are Unknown until the first verification. */
  public static final String PENDING = "Pending";
  public static final String PASSED = "Passed";
  public static final String PASSED_WITH_WARNINGS = "PassedWithWarnings";

  private ConditionReasons() {}

  /** A verification condition's reason when a check failed: the check's name and "Failed". */
  public static String checkFailed(String checkLabel) {
    return checkLabel + "Failed";
  }
}
