package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * What the TLS reports received at the shared server say, summed over a window; written by the
 * operator at most once per batch of reports the server stores.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"window", "lastReportTime", "reports", "organizationCount", "organizations",
    "successfulSessions", "failedSessions", "topFailureTypes", "failureTypes"})
public class TlsRptStatus {

  @JsonPropertyDescription("The window the figures cover, ending now, such as 7d.")
  private String window;

  @JsonPropertyDescription("When the last report was received (RFC 3339).")
  private String lastReportTime;

  @JsonPropertyDescription("Reports received in the window.")
  private Integer reports;

  @JsonPropertyDescription("Distinct reporting organizations in the window.")
  private Integer organizationCount;

  @JsonPropertyDescription("Reporting organizations in the window, sorted, at most 10.")
  private List<String> organizations;

  @JsonPropertyDescription("Sessions the reporters say succeeded, in the window.")
  private Long successfulSessions;

  @JsonPropertyDescription("Sessions the reporters say failed, in the window.")
  private Long failedSessions;

  @JsonPropertyDescription("The most frequent failure types of the window, most sessions first,"
      + " at most 5, as TYPE: SESSIONS.")
  private List<String> topFailureTypes;

  @JsonPropertyDescription("Every failure type of the window (RFC 8460 result types, others as"
      + " 'other'), sorted; a type new to it raises a Warning Event.")
  private List<String> failureTypes;

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public String getLastReportTime() {
    return lastReportTime;
  }

  public void setLastReportTime(String lastReportTime) {
    this.lastReportTime = lastReportTime;
  }

  public Integer getReports() {
    return reports;
  }

  public void setReports(Integer reports) {
    this.reports = reports;
  }

  public Integer getOrganizationCount() {
    return organizationCount;
  }

  public void setOrganizationCount(Integer organizationCount) {
    this.organizationCount = organizationCount;
  }

  public List<String> getOrganizations() {
    return organizations;
  }

  public void setOrganizations(List<String> organizations) {
    this.organizations = organizations;
  }

  public Long getSuccessfulSessions() {
    return successfulSessions;
  }

  public void setSuccessfulSessions(Long successfulSessions) {
    this.successfulSessions = successfulSessions;
  }

  public Long getFailedSessions() {
    return failedSessions;
  }

  public void setFailedSessions(Long failedSessions) {
    this.failedSessions = failedSessions;
  }

  public List<String> getTopFailureTypes() {
    return topFailureTypes;
  }

  public void setTopFailureTypes(List<String> topFailureTypes) {
    this.topFailureTypes = topFailureTypes;
  }

  public List<String> getFailureTypes() {
    return failureTypes;
  }

  public void setFailureTypes(List<String> failureTypes) {
    this.failureTypes = failureTypes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsRptStatus other
        && Objects.equals(window, other.window)
        && Objects.equals(lastReportTime, other.lastReportTime)
        && Objects.equals(reports, other.reports)
        && Objects.equals(organizationCount, other.organizationCount)
        && Objects.equals(organizations, other.organizations)
        && Objects.equals(successfulSessions, other.successfulSessions)
        && Objects.equals(failedSessions, other.failedSessions)
        && Objects.equals(topFailureTypes, other.topFailureTypes)
        && Objects.equals(failureTypes, other.failureTypes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(window, lastReportTime, reports, organizationCount, organizations,
        successfulSessions, failedSessions, topFailureTypes, failureTypes);
  }

  @Override
  public String toString() {
    return "TlsRptStatus{window=" + window + ", lastReportTime=" + lastReportTime + ", reports="
        + reports + ", organizationCount=" + organizationCount + ", successfulSessions="
        + successfulSessions + ", failedSessions=" + failedSessions + ", failureTypes="
        + failureTypes + "}";
  }
}
