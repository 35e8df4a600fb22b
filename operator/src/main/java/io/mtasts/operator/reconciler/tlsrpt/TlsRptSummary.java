package io.mtasts.operator.reconciler.tlsrpt;

import io.mtasts.operator.api.v1alpha1.TlsRptStatus;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The status summary of a policy's received reports over a window ending now. */
public final class TlsRptSummary {

  static final int MAX_ORGANIZATIONS = 10;
  static final int MAX_TOP_FAILURE_TYPES = 5;

  private TlsRptSummary() {}

  /** The summary; null when no report was received in the window. */
  public static TlsRptStatus of(ReceivedReports reports, Instant now, Duration window) {
    Instant from = now.minus(window);
    List<ReceivedReports.Received> recent = reports.reports().stream()
        .filter(r -> !r.received().isBefore(from)).toList();
    if (recent.isEmpty()) {
      return null;
    }
    ReceivedReports.Counts sum = ReceivedReports.Counts.ZERO;
    TreeSet<String> organizations = new TreeSet<>();
    Instant last = Instant.MIN;
    for (ReceivedReports.Received r : recent) {
      sum = sum.plus(r.counts());
      if (r.organization() != null) {
        organizations.add(r.organization());
      }
      if (r.received().isAfter(last)) {
        last = r.received();
      }
    }
    Map<String, Long> failures = new TreeMap<>(sum.failures());
    failures.values().removeIf(n -> n <= 0);
    List<Map.Entry<String, Long>> top = new ArrayList<>(failures.entrySet());
    top.sort(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey()));
    TlsRptStatus status = new TlsRptStatus();
    status.setWindow(window.toDays() + "d");
    status.setLastReportTime(last.toString());
    status.setReports(recent.size());
    status.setOrganizationCount(organizations.size());
    status.setOrganizations(organizations.stream().limit(MAX_ORGANIZATIONS).toList());
    status.setSuccessfulSessions(sum.successful());
    status.setFailedSessions(sum.failed());
    status.setTopFailureTypes(top.stream().limit(MAX_TOP_FAILURE_TYPES)
        .map(e -> e.getKey() + ": " + e.getValue()).toList());
    status.setFailureTypes(List.copyOf(failures.keySet()));
    return status;
  }

  /** Failure types of {@code next} that {@code previous} did not have, sorted. */
  public static List<String> newFailureTypes(TlsRptStatus previous, TlsRptStatus next) {
    if (next == null || next.getFailureTypes() == null) {
      return List.of();
    }
    List<String> before = previous == null || previous.getFailureTypes() == null
        ? List.of() : previous.getFailureTypes();
    return next.getFailureTypes().stream().filter(t -> !before.contains(t)).sorted().toList();
  }
}
