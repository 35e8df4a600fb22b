package io.mtasts.operator.tlsrpt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reports received for one policy domain over a window, as the receiver hands them to the
 * operator: each report reduced to its counts (no sending addresses, nothing a reporter can grow
 * without bound), plus the totals of the reports that have left the window, so that the totals
 * since the first report only ever grow.
 *
 * <p>Merging is idempotent: a report whose id is already present is not added again, so two
 * receivers (or one that retries a write) never count a report twice.
 *
 * @param reports the reports in the window, oldest received first
 * @param retired the sums of the reports that left the window
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReceivedReports(
    @JsonProperty("domain") String domain,
    @JsonProperty("reports") List<Received> reports,
    @JsonProperty("retired") Counts retired) {

  /** The {@code result_type} value that stands for every type RFC 8460 does not define. */
  public static final String OTHER = "other";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public ReceivedReports {
    Objects.requireNonNull(domain, "domain");
    reports = reports == null ? List.of() : List.copyOf(reports);
    retired = retired == null ? Counts.ZERO : retired;
  }

  public static ReceivedReports empty(String domain) {
    return new ReceivedReports(domain, List.of(), Counts.ZERO);
  }

  /**
   * Session counts by outcome, and failed sessions by result type (RFC 8460's types, every other
   * one as {@link #OTHER}).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Counts(
      @JsonProperty("successful") long successful,
      @JsonProperty("failed") long failed,
      @JsonProperty("failures") Map<String, Long> failures) {

    public static final Counts ZERO = new Counts(0, 0, Map.of());

    public Counts {
      failures = failures == null ? Map.of() : Map.copyOf(failures);
    }

    public Counts plus(Counts other) {
      Map<String, Long> sum = new TreeMap<>(failures);
      other.failures.forEach((type, n) -> sum.merge(type, n, Long::sum));
      return new Counts(successful + other.successful, failed + other.failed, sum);
    }
  }

  /** One received report, reduced to what the operator shows and counts. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Received(
      @JsonProperty("id") String id,
      @JsonProperty("organization") String organization,
      @JsonProperty("received") Instant received,
      @JsonProperty("start") Instant start,
      @JsonProperty("end") Instant end,
      @JsonProperty("counts") Counts counts) {

    public Received {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(received, "received");
      counts = counts == null ? Counts.ZERO : counts;
    }

    /**
     * The part of {@code report} about {@code domain}: the sums over its policy results for that
     * domain.
     */
    public static Received of(TlsRptReport report, String domain, Instant received) {
      Counts counts = Counts.ZERO;
      for (PolicyResult policy : report.policies()) {
        if (!policy.domain().equalsIgnoreCase(domain)) {
          continue;
        }
        Map<String, Long> failures = new TreeMap<>();
        for (FailureDetail f : policy.failures()) {
          failures.merge(resultTypeLabel(f.resultType()), f.failedSessions(), Long::sum);
        }
        counts = counts.plus(new Counts(policy.successfulSessions(), policy.failedSessions(),
            failures));
      }
      return new Received(report.reportId(), report.organization(), received, report.start(),
          report.end(), counts);
    }
  }

  /** A result type as counted: RFC 8460's own, or {@link #OTHER}, so labels stay few. */
  public static String resultTypeLabel(String resultType) {
    return FailureDetail.STANDARD_RESULT_TYPES.contains(resultType) ? resultType : OTHER;
  }

  /** The ids of the reports in the window. */
  public Set<String> ids() {
    Set<String> ids = new LinkedHashSet<>();
    reports.forEach(r -> ids.add(r.id()));
    return ids;
  }

  /** The sums of every report ever merged in: those in the window and those retired. */
  public Counts totals() {
    return retired.plus(windowTotals());
  }

  /** The sums of the reports in the window. */
  public Counts windowTotals() {
    Counts sum = Counts.ZERO;
    for (Received r : reports) {
      sum = sum.plus(r.counts());
    }
    return sum;
  }

  /**
   * These reports with {@code fresh} added (those whose id is not present yet), then the
   * reports received before {@code now - window} retired, and the oldest retired beyond
   * {@code maxReports}.
   */
  public ReceivedReports merge(List<Received> fresh, Instant now, Duration window,
      int maxReports) {
    Set<String> ids = ids();
    List<Received> all = new ArrayList<>(reports);
    for (Received r : fresh) {
      if (ids.add(r.id())) {
        all.add(r);
      }
    }
    all.sort(Comparator.comparing(Received::received));
    Instant oldest = now.minus(window);
    Counts gone = retired;
    List<Received> kept = new ArrayList<>();
    int over = Math.max(0, all.size() - maxReports);
    for (Received r : all) {
      if (r.received().isBefore(oldest) || over > 0) {
        gone = gone.plus(r.counts());
        if (!r.received().isBefore(oldest)) {
          over--;
        }
      } else {
        kept.add(r);
      }
    }
    return new ReceivedReports(domain, kept, gone);
  }

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads what {@link #toJson()} wrote; an error names what is wrong. */
  public static ReceivedReports fromJson(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, ReceivedReports.class);
  }
}
