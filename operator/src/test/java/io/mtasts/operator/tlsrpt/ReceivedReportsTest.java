package io.mtasts.operator.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-over form of received reports: merging by id, the window, totals that only grow. */
class ReceivedReportsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final Duration WEEK = Duration.ofDays(7);

  private static ReceivedReports.Received received(String id, Instant at, long ok, long failed,
      Map<String, Long> failures) {
    return new ReceivedReports.Received(id, "Org", at, at, at,
        new ReceivedReports.Counts(ok, failed, failures));
  }

  @Test
  void theExampleReportIsReducedToItsCountsPerResultType() {
    ReceivedReports.Received r = ReceivedReports.Received.of(
        TlsRptReportParser.parse(ExampleReport.bytes()).get(), "Company-Y.example", NOW);

    assertThat(r.counts().successful()).isEqualTo(5326);
    assertThat(r.counts().failures()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "certificate-expired", 100L, "starttls-not-supported", 200L, "validation-failure", 3L));
  }

  @Test
  void aResultTypeTheRfcDoesNotDefineCountsAsOther() {
    assertThat(ReceivedReports.resultTypeLabel("certificate-expired"))
        .isEqualTo("certificate-expired");
    assertThat(ReceivedReports.resultTypeLabel("x-vendor-timeout")).isEqualTo("other");
  }

  @Test
  void mergingAddsNewIdsOnlyAndRetiresWhatLeavesTheWindowIntoTheTotals() {
    ReceivedReports start = ReceivedReports.empty("example.com").merge(List.of(
        received("old", NOW.minus(Duration.ofDays(8)), 10, 1, Map.of("certificate-expired", 1L)),
        received("new", NOW.minus(Duration.ofDays(1)), 5, 0, Map.of())), NOW, WEEK, 1000);

    ReceivedReports again = start.merge(List.of(
        received("new", NOW, 5, 0, Map.of())), NOW, WEEK, 1000);

    assertThat(again.ids()).containsExactly("new");
    assertThat(again.windowTotals().successful()).isEqualTo(5);
    assertThat(again.totals().successful()).isEqualTo(15);
    assertThat(again.totals().failures()).containsEntry("certificate-expired", 1L);
  }

  @Test
  void beyondTheMostReportsKeptTheOldestAreRetiredNotLost() {
    ReceivedReports merged = ReceivedReports.empty("example.com").merge(List.of(
        received("a", NOW.minusSeconds(30), 1, 0, Map.of()),
        received("b", NOW.minusSeconds(20), 1, 0, Map.of()),
        received("c", NOW.minusSeconds(10), 1, 0, Map.of())), NOW, WEEK, 2);

    assertThat(merged.ids()).containsExactly("b", "c");
    assertThat(merged.totals().successful()).isEqualTo(3);
  }

  @Test
  void theJsonFormReadsBackEqual() throws Exception {
    ReceivedReports reports = ReceivedReports.empty("example.com").merge(List.of(
        received("a", NOW, 3, 2, Map.of("sts-policy-fetch-error", 2L))), NOW, WEEK, 10);

    assertThat(ReceivedReports.fromJson(reports.toJson())).isEqualTo(reports);
    assertThat(reports.toJson()).contains("\"received\":\"2026-11-30T12:00:00Z\"");
  }
}
