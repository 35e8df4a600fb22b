package io.mtasts.operator.api.v1alpha1;

import java.util.List;

/**
 * The condition types an {@code MtaStsPolicy} reports; part of the API, because users and
 * tooling wait on them ({@code kubectl wait --for=condition=Ready}).
 */
public final class ConditionTypes {

  /** The summary: the policy is served, advertised and verified as far as enabled. */
  public static final String READY = "Ready";

  /** The current policy bytes are served and their id is advertised in status. */
  public static final String POLICY_SERVED = "PolicyServed";

  public static final String CERTIFICATE_READY = "CertificateReady";

  public static final String DNS_RECORDS_VERIFIED = "DnsRecordsVerified";

  public static final String VERIFIED = "Verified";

  public static final String PAUSED = "Paused";

  /**
   * While an enforce policy is advertised: every live MX host found by the last verification
   * matches one of its mx patterns. False is drift that makes enforcing senders refuse mail.
   */
  public static final String MX_COVERED = "MxCovered";

  /**
   * Retirement (RFC 8461 section 8.3): True while a mode none policy is rolling out or held for
   * the max_age senders may still cache; False once it was held long enough.
   */
  public static final String RETIRING = "Retiring";

  /** All types, in the order status lists them. */
  public static final List<String> ALL =
      List.of(READY, POLICY_SERVED, CERTIFICATE_READY, DNS_RECORDS_VERIFIED, VERIFIED, PAUSED,
          MX_COVERED, RETIRING);

  private ConditionTypes() {}
}
