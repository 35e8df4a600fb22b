package io.mtasts.operator.tlsrpt;

import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;

/**
 * Reads a report body as it arrives, by mail part or HTTPS POST: the bytes and their media type.
 * The one entry point for every way reports come in, so each gets the same limits.
 */
public final class TlsRptReportReader {

  private final ReportLimits limits;

  public TlsRptReportReader(ReportLimits limits) {
    this.limits = limits;
  }

  public TlsRptReportReader() {
    this(ReportLimits.DEFAULT);
  }

  public ReportLimits limits() {
    return limits;
  }

  /**
   * Reads a body sent with {@code contentType} (a {@code Content-Type} header value); any type but
   * {@code application/tlsrpt+json} and {@code application/tlsrpt+gzip} is an error naming it.
   */
  public ParseResult<TlsRptReport> read(byte[] body, String contentType) {
    return ReportMediaType.fromContentType(contentType)
        .map(type -> read(body, type))
        .orElseGet(() -> ParseResult.invalid(new Finding("Content-Type", "'" + contentType
            + "' is neither " + ReportMediaType.JSON.mediaType() + " nor "
            + ReportMediaType.GZIP.mediaType())));
  }

  public ParseResult<TlsRptReport> read(byte[] body, ReportMediaType type) {
    if (type == ReportMediaType.JSON) {
      return TlsRptReportParser.parse(body, limits);
    }
    ParseResult<byte[]> json = BoundedGunzip.gunzip(body, limits);
    if (!json.isValid()) {
      return ParseResult.invalid(json.errors(), json.warnings());
    }
    return TlsRptReportParser.parse(json.get(), limits);
  }
}
