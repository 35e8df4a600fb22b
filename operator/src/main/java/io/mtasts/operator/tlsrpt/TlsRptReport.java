package io.mtasts.operator.tlsrpt;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One TLS-RPT aggregate report (RFC 8460 section 4): who reported, over which range, and what
 * their senders saw per policy.
 *
 * @param contactInfo the reporter's contact, or null when the report has none
 */
public record TlsRptReport(
    String reportId,
    String organization,
    String contactInfo,
    Instant start,
    Instant end,
    List<PolicyResult> policies) {

  public TlsRptReport {
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    policies = List.copyOf(policies);
  }
}
