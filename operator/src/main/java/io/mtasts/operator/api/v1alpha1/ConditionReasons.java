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
  /** Paused: the pause annotation's value is no boolean, so nothing is changed. */
  public static final String INVALID_PAUSE_VALUE = "InvalidPauseValue";

  /** Ready is False: the spec has problems and nothing was changed. */
  public static final String INVALID_SPEC = "InvalidSpec";
  /** Ready is False: an object not owned by the policy stands where a child must go. */
  public static final String CONFLICT = "Conflict";
  /** Ready is False: applying the children failed and is retried. */
  public static final String RECONCILE_ERROR = "ReconcileError";
  public static final String READY = "Ready";
  /** MtaStsPolicyServer Ready is False: fewer server pods ready than spec.replicas asks for. */
  public static final String REPLICAS_NOT_READY = "ReplicasNotReady";
  /** Ready is False: a ResourceQuota keeps the API server from storing a child. */
  public static final String QUOTA_EXCEEDED = "QuotaExceeded";
  /** Ready is False: an admission webhook or ValidatingAdmissionPolicy denied a child. */
  public static final String ADMISSION_DENIED = "AdmissionDenied";
  /** Ready is False: the API server refused a child for another reason, in its own words. */
  public static final String CHILD_REFUSED = "ChildRefused";
  /**
   * Unknown: the condition was last evaluated for an older generation and this reconcile did not
   * reach it (paused, invalid spec, conflict), so its old facts no longer describe the spec.
   */
  public static final String NOT_EVALUATED = "NotEvaluated";

  /** PolicyServed: the web server serves exactly the current policy. */
  public static final String SERVED = "Served";
  /** PolicyServed is False while a new policy rolls out; progress, not a problem. */
  public static final String ROLLING_OUT = "RollingOut";
  /** PolicyServed is False: the Deployment's ReplicaSet cannot create pods (ReplicaFailure). */
  public static final String PODS_NOT_CREATED = "PodsNotCreated";
  /** PolicyServed is False: the rollout passed the Deployment's progress deadline. */
  public static final String ROLLOUT_STUCK = "RolloutStuck";
  /** PolicyServed is False: a live MX host is not covered by the new enforce policy. */
  public static final String MX_NOT_COVERED = "MxNotCovered";
  /** PolicyServed is False: the MX lookup before an enforce policy failed (timeout, SERVFAIL). */
  public static final String MX_LOOKUP_FAILED = "MxLookupFailed";
  /** PolicyServed is False: the domain does not exist (NXDOMAIN) in the operator's DNS. */
  public static final String DOMAIN_NOT_FOUND = "DomainNotFound";
  /** PolicyServed is True: an enforce policy of a domain with only a null MX (no mail). */
  public static final String NULL_MX = "NullMx";
  /** PolicyServed is True although the MX guard would hold it: the override annotation is set. */
  public static final String MX_GUARD_OVERRIDDEN = "MxGuardOverridden";
  /** MxCovered: every live MX host matches the advertised enforce policy. */
  public static final String MX_COVERED = "Covered";
  /** MxCovered is Unknown: the last verification found no MX record to compare. */
  public static final String NO_MX_HOSTS = "NoMxHosts";
  /** Ready is False: the policy asks for a Gateway but the operator's Gateway API support is off. */
  public static final String GATEWAY_API_DISABLED = "GatewayApiDisabled";
  /** Ready is False: the policy asks for a Gateway but a Gateway API CRD it needs is missing. */
  public static final String GATEWAY_API_NOT_INSTALLED = "GatewayApiNotInstalled";
  /** Ready is False: an older resource owns the same domain. */
  public static final String DOMAIN_CLAIMED = "DomainClaimed";
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
  /** CertificateReady: the Secret named in spec.tls.secretName holds a valid certificate. */
  public static final String EXISTING_SECRET = "ExistingSecret";
  /** CertificateReady is False: the Secret named in spec.tls.secretName does not exist. */
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  /** CertificateReady is False: the Secret is not of type kubernetes.io/tls or lacks its keys. */
  public static final String SECRET_INVALID = "SecretInvalid";
  /** CertificateReady is False: the Secret's certificate is expired or names another host. */
  public static final String SECRET_CERTIFICATE_INVALID = "SecretCertificateInvalid";
  /** CertificateReady is Unknown: the Secret could not be read. */
  public static final String SECRET_UNREADABLE = "SecretUnreadable";
  public static final String NO_CERTIFICATE_SOURCE = "NoCertificateSource";
  /**
   * CertificateReady is Unknown: a wildcard listener of the Gateway provides the certificate,
   * which the operator does not read; live verification checks the one served. Not a problem.
   */
  public static final String CERTIFICATE_FROM_GATEWAY = "CertificateFromGateway";

  /** DnsRecordsVerified and Verified are Unknown until the first verification. */
  public static final String PENDING = "Pending";
  public static final String PASSED = "Passed";
  public static final String PASSED_WITH_WARNINGS = "PassedWithWarnings";
  /** Nothing failed, but DNS or the policy host could not be observed. */
  public static final String INCONCLUSIVE = "Inconclusive";

  private ConditionReasons() {}

  /** Retiring: the resource is being deleted and its mode none policy is rolling out. */
  public static final String RETIREMENT_STARTED = "RetirementStarted";
  /** Retiring: mode none is advertised and held until senders' cached policies expire. */
  public static final String HOLDING_MODE_NONE = "HoldingModeNone";
  /** Retiring is False: mode none was held long enough; the resource may be deleted. */
  public static final String RETIREMENT_COMPLETE = "RetirementComplete";
  /** Event: the retire annotation ended a retirement before senders' caches expired. */
  public static final String RETIREMENT_CUT_SHORT = "RetirementCutShort";
  /**
   * Event: spec.dns.externalDns was turned off while the DNSEndpoint publishes an advertised id;
   * the DNSEndpoint is kept until the policy is retired.
   */
  public static final String DNS_ENDPOINT_KEPT = "DnsEndpointKept";
  /**
   * CertificateReady is False: a shared server's policy host does not resolve yet, so its
   * Certificate is not requested yet (an ACME order for it could only wait).
   */
  public static final String WAITING_FOR_DNS = "WaitingForDns";
  /**
   * CertificateReady is False: spec.server.ref names a server that does not exist, so the
   * policy host's Ingress and Certificate are not made.
   */
  public static final String SHARED_SERVER_ABSENT = "SharedServerNotFound";

  /** Ready is False: spec.server.ref names an MtaStsPolicyServer that does not exist. */
  public static final String SERVER_NOT_FOUND = "ServerNotFound";
  /**
   * Ready is False: the MtaStsPolicyServer in spec.server.ref does not accept policies from this
   * namespace (its spec.policyNamespaces), or may not read them (its spec.namespaces).
   */
  public static final String NAMESPACE_NOT_ALLOWED = "NamespaceNotAllowed";
  /** PolicyServed is False: the bytes were handed to the shared server, not yet found served. */
  public static final String HANDED_OVER = "HandedOver";

  /** Event reason: received TLS reports name a failure type not seen in the window before. */
  public static final String TLSRPT_NEW_FAILURE_TYPE = "TlsRptNewFailureType";

  /** A verification condition's reason when a check failed: the check's name and "Failed". */
  public static String checkFailed(String checkLabel) {
    return checkLabel + "Failed";
  }
}
