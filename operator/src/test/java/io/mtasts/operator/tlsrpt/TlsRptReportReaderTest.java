package io.mtasts.operator.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A report body with its media type, as a mail part or an HTTPS POST delivers it: both RFC 8460
 * encodings, and the limits that keep a hostile body cheap to refuse (gzip bombs, huge or deeply
 * nested JSON).
 */
class TlsRptReportReaderTest {

  private final TlsRptReportReader reader = new TlsRptReportReader();

  @ParameterizedTest
  @ValueSource(strings = {"application/tlsrpt+json", "Application/TLSRPT+JSON; charset=utf-8"})
  void readsJsonByItsMediaType(String contentType) {
    ParseResult<TlsRptReport> result = reader.read(ExampleReport.bytes(), contentType);

    assertThat(result.get().reportId()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
  }

  @Test
  void readsGzipByItsMediaType() {
    ParseResult<TlsRptReport> result =
        reader.read(gzip(ExampleReport.bytes()), "application/tlsrpt+gzip");

    assertThat(result.get().policies().get(0).failedSessions()).isEqualTo(303);
  }

  @Test
  void anyOtherMediaTypeIsRefusedByName() {
    ParseResult<TlsRptReport> result = reader.read(ExampleReport.bytes(), "application/json");

    assertThat(result.errors()).extracting(Finding::toString).containsExactly(
        "Content-Type: 'application/json' is neither application/tlsrpt+json nor"
            + " application/tlsrpt+gzip");
  }

  @Test
  void jsonLabelledGzipIsRefused() {
    ParseResult<TlsRptReport> result =
        reader.read(ExampleReport.bytes(), ReportMediaType.GZIP);

    assertThat(result.errors()).extracting(Finding::toString).containsExactly(
        "gzip: not gzip data (it does not start with the gzip magic bytes 1f 8b)");
  }

  @Test
  void truncatedGzipIsRefused() {
    byte[] whole = gzip(ExampleReport.bytes());

    ParseResult<TlsRptReport> result =
        reader.read(Arrays.copyOf(whole, whole.length / 2), ReportMediaType.GZIP);

    assertThat(result.errors()).singleElement().asString()
        .startsWith("gzip: truncated or unreadable");
  }

  @Test
  void gzipBombIsStoppedByTheRatioLongBeforeItIsInflated() {
    // 64 MiB of zeros shrink to about 64 KiB: 1000:1, ten times the allowed ratio
    byte[] bomb = gzip(new byte[64 * 1024 * 1024]);

    ParseResult<TlsRptReport> result = reader.read(bomb, ReportMediaType.GZIP);

    assertThat(bomb.length).isLessThan(128 * 1024);
    assertThat(result.errors()).extracting(Finding::toString).containsExactly(
        "gzip: inflates to more than " + bomb.length * 100L + " bytes from " + bomb.length
            + " bytes, beyond the allowed ratio of 100:1");
  }

  @Test
  void gzipWithinTheRatioIsStillBoundedByTheReportSize() {
    TlsRptReportReader lenient = new TlsRptReportReader(
        new ReportLimits(256 * 1024, 10_000, 16, 1024));
    byte[] bomb = gzip(new byte[8 * 1024 * 1024]);

    ParseResult<TlsRptReport> result = lenient.read(bomb, ReportMediaType.GZIP);

    assertThat(result.errors()).extracting(Finding::toString).containsExactly(
        "gzip: inflates to more than 262144 bytes, the largest report allowed");
  }

  @Test
  void aReportThatCompressesWellIsWithinTheRatio() {
    // a real report compresses about 5:1; padding the example with spaces brings it near 90:1
    String padded = new String(ExampleReport.bytes(), StandardCharsets.UTF_8)
        .replace("\"policies\"", " ".repeat(60_000) + "\"policies\"");
    byte[] body = gzip(padded.getBytes(StandardCharsets.UTF_8));

    ParseResult<TlsRptReport> result = reader.read(body, ReportMediaType.GZIP);

    assertThat((double) padded.length() / body.length).isBetween(50.0, 100.0);
    assertThat(result.errors()).isEmpty();
  }

  @Test
  void jsonLargerThanTheLimitIsRefusedUnread() {
    TlsRptReportReader small = new TlsRptReportReader(new ReportLimits(1000, 100, 16, 1024));

    ParseResult<TlsRptReport> result = small.read(ExampleReport.bytes(), ReportMediaType.JSON);

    assertThat(result.errors()).extracting(Finding::toString).containsExactly(
        "report: is " + ExampleReport.bytes().length + " bytes, more than the 1000 bytes"
            + " allowed");
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutBuildingIt() {
    String deep = "{\"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}";

    ParseResult<TlsRptReport> result =
        reader.read(deep.getBytes(StandardCharsets.UTF_8), ReportMediaType.JSON);

    assertThat(result.errors()).singleElement().asString()
        .isEqualTo("JSON: exceeds a limit: Document nesting depth (17) exceeds the maximum"
            + " allowed (16)");
  }

  @Test
  void overlongStringsAreRefused() {
    byte[] json = ExampleReport.with(t -> t.put("contact-info", "x".repeat(100_000)));

    ParseResult<TlsRptReport> result = reader.read(json, ReportMediaType.JSON);

    assertThat(result.errors()).singleElement().asString()
        .startsWith("JSON: exceeds a limit: String value length (")
        .endsWith("exceeds the maximum allowed (65536)");
  }

  @Test
  void overlongNumbersAreRefused() {
    byte[] json = new String(ExampleReport.bytes(), StandardCharsets.UTF_8)
        .replace("5326", "5".repeat(40)).getBytes(StandardCharsets.UTF_8);

    ParseResult<TlsRptReport> result = reader.read(json, ReportMediaType.JSON);

    assertThat(result.errors()).singleElement().asString()
        .startsWith("JSON: exceeds a limit: Number value length (")
        .endsWith("exceeds the maximum allowed (20)");
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
