package io.mtasts.operator.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding the report part in RFC 8460 section 5.3 mails, written by another MIME library. */
class ReportMailTest {

  private final ReportMail mail = new ReportMail(ReportLimits.DEFAULT);
  private final TlsRptReportReader reader = new TlsRptReportReader();

  @Test
  void findsTheGzipPartAndItHoldsTheReport() {
    ParseResult<List<ReportMail.Attachment>> parts =
        mail.attachments(ExampleReport.resource("report-gzip.eml"));

    assertThat(parts.warnings()).isEmpty();
    ReportMail.Attachment part = parts.get().get(0);
    assertThat(parts.get()).hasSize(1);
    assertThat(part.type()).isEqualTo(ReportMediaType.GZIP);
    assertThat(part.name()).isEqualTo(
        "company-x.example!company-y.example!1459468800!1459555199!5065427c.json.gz");
    assertThat(reader.read(part.body(), part.type()).get().reportId())
        .isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
  }

  @Test
  void findsTheJsonPart() {
    ParseResult<List<ReportMail.Attachment>> parts =
        mail.attachments(ExampleReport.resource("report-json.eml"));

    ReportMail.Attachment part = parts.get().get(0);
    assertThat(part.type()).isEqualTo(ReportMediaType.JSON);
    assertThat(part.body()).isEqualTo(ExampleReport.bytes());
  }

  @Test
  void aReportLabelledPlainGzipIsTakenByItsFileNameWithAWarning() {
    ParseResult<List<ReportMail.Attachment>> parts =
        mail.attachments(ExampleReport.resource("report-labelled-gzip.eml"));

    assertThat(parts.get()).extracting(ReportMail.Attachment::type)
        .containsExactly(ReportMediaType.GZIP);
    assertThat(parts.warnings()).extracting(Finding::toString).containsExactly(
        "mail: part 'company-x.example!company-y.example!1459468800!1459555199!5065427c.json.gz'"
            + " is labelled application/gzip, not application/tlsrpt+gzip; read as a report"
            + " because of its file name");
  }

  @Test
  void aMailWithoutAReportPartIsAnErrorSayingWhatWasLookedFor() {
    ParseResult<List<ReportMail.Attachment>> parts =
        mail.attachments(ExampleReport.resource("no-report.eml"));

    assertThat(parts.errors()).extracting(Finding::toString).containsExactly(
        "mail: has no application/tlsrpt+gzip or application/tlsrpt+json part"
            + " (RFC 8460 section 5.3)");
  }

  @Test
  void aMailNestedBeyondReasonIsRefused() {
    StringBuilder text = new StringBuilder("Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
    for (int i = 0; i < 20; i++) {
      text.append("--b").append(i).append("\r\nContent-Type: multipart/mixed; boundary=b")
          .append(i + 1).append("\r\n\r\n");
    }
    ParseResult<List<ReportMail.Attachment>> parts =
        mail.attachments(text.toString().getBytes(StandardCharsets.US_ASCII));

    assertThat(parts.errors()).singleElement().asString()
        .startsWith("mail: has more than 64 parts or nests deeper than 8 levels");
  }

  @Test
  void aMailLargerThanTheLimitIsRefusedUnread() {
    ReportMail small = new ReportMail(new ReportLimits(500, 100, 16, 1024));

    ParseResult<List<ReportMail.Attachment>> parts =
        small.attachments(ExampleReport.resource("report-json.eml"));

    assertThat(parts.errors()).extracting(Finding::toString).containsExactly(
        "mail: is " + ExampleReport.resource("report-json.eml").length
            + " bytes, more than the 1000 bytes allowed");
  }
}
