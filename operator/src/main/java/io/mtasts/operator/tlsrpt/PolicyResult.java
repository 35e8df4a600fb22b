package io.mtasts.operator.tlsrpt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one reporter saw for one policy of one domain over the report's range: the {@code
 * policies[]} entry of RFC 8460 section 4.4.
 *
 * @param policyStrings the policy as the reporter applied it, line by line; empty if not given
 * @param mxHosts the {@code mx-host} list; empty if not given
 */
public record PolicyResult(
    PolicyType type,
    String domain,
    List<String> policyStrings,
    List<String> mxHosts,
    long successfulSessions,
    long failedSessions,
    List<FailureDetail> failures) {

  public PolicyResult {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(domain, "domain");
    policyStrings = List.copyOf(policyStrings);
    mxHosts = List.copyOf(mxHosts);
    failures = List.copyOf(failures);
  }

  /** Failed sessions of one result type at one MX host, summed over the reporter's addresses. */
  public record FailureCount(String resultType, String receivingMx, long count) {}

  /**
   * The failures summed per result type and receiving MX, largest first: reporters list one
   * entry per sending address, which says more about their network than about the domain's.
   */
  public List<FailureCount> failureCounts() {
    Map<List<String>, Long> sums = new LinkedHashMap<>();
    for (FailureDetail f : failures) {
      List<String> key = new ArrayList<>(2);
      key.add(f.resultType());
      key.add(f.receivingMx());
      sums.merge(key, f.failedSessions(), Long::sum);
    }
    List<FailureCount> counts = new ArrayList<>();
    sums.forEach((key, count) -> counts.add(new FailureCount(key.get(0), key.get(1), count)));
    counts.sort(Comparator.comparingLong(FailureCount::count).reversed());
    return counts;
  }
}
