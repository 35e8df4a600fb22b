package io.mtasts.operator.tlsrpt;

import java.util.Locale;
import java.util.Optional;

/** The two ways RFC 8460 section 5.3 sends a report body: plain JSON or gzip-compressed. */
public enum ReportMediaType {
  JSON("application/tlsrpt+json"),
  GZIP("application/tlsrpt+gzip");

  private final String mediaType;

  ReportMediaType(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /**
   * The type of a {@code Content-Type} value, parameters such as {@code charset} ignored and
   * compared without regard to case as MIME types are; empty for any other type.
   */
  public static Optional<ReportMediaType> fromContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    int semicolon = contentType.indexOf(';');
    String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim().toLowerCase(Locale.ROOT);
    for (ReportMediaType type : values()) {
      if (type.mediaType.equals(bare)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
