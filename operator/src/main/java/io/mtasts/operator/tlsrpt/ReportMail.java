package io.mtasts.operator.tlsrpt;

import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Finds the report in a TLS-RPT mail (RFC 8460 section 5.3): a {@code multipart/report} whose part
 * of type {@code application/tlsrpt+gzip} or {@code application/tlsrpt+json} holds the report.
 * Some reporters label that part {@code application/gzip} or {@code application/octet-stream};
 * such a part is taken, with a warning, when its file name says it is a report.
 */
public final class ReportMail {

  /** A report body found in a mail, before it is parsed. */
  public record Attachment(String name, ReportMediaType type, byte[] body) {}

  private static final int MAX_DEPTH = 8;
  private static final int MAX_PARTS = 64;

  private final ReportLimits limits;

  public ReportMail(ReportLimits limits) {
    this.limits = limits;
  }

  /**
   * The largest mail read: a report of the largest size, base64-encoded (4/3) with headers and
   * a human-readable part around it.
   */
  public long maxMailBytes() {
    return limits.maxJsonBytes() * 2L;
  }

  /** The report parts of the mail, in order; an error when it has none or cannot be read. */
  public ParseResult<List<Attachment>> attachments(byte[] mail) {
    if (mail.length > maxMailBytes()) {
      return ParseResult.invalid(new Finding("mail", "is " + mail.length
          + " bytes, more than the " + maxMailBytes() + " bytes allowed"));
    }
    List<Attachment> found = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>();
    try {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
          new ByteArrayInputStream(mail));
      new Walk(found, warnings).part(message, 0);
    } catch (MessagingException | IOException e) {
      return ParseResult.invalid(List.of(new Finding("mail", "cannot be read as MIME: "
          + e.getMessage())), warnings);
    } catch (PartLimitException e) {
      return ParseResult.invalid(List.of(new Finding("mail", e.getMessage())), warnings);
    }
    if (found.isEmpty()) {
      return ParseResult.invalid(List.of(new Finding("mail", "has no "
          + ReportMediaType.GZIP.mediaType() + " or " + ReportMediaType.JSON.mediaType()
          + " part (RFC 8460 section 5.3)")), warnings);
    }
    return ParseResult.valid(found, warnings);
  }

  private final class Walk {
    private final List<Attachment> found;
    private final List<Finding> warnings;
    private int parts;

    Walk(List<Attachment> found, List<Finding> warnings) {
      this.found = found;
      this.warnings = warnings;
    }

    void part(MimePart part, int depth) throws MessagingException, IOException {
      if (++parts > MAX_PARTS || depth > MAX_DEPTH) {
        throw new PartLimitException("has more than " + MAX_PARTS + " parts or nests deeper than "
            + MAX_DEPTH + " levels; a report mail has a handful");
      }
      if (part.isMimeType("multipart/*")) {
        // parsed from the part's own bytes, so no content handler registry is consulted
        MimeMultipart multipart = new MimeMultipart(new MimePartDataSource(part));
        for (int i = 0; i < multipart.getCount(); i++) {
          part((MimePart) multipart.getBodyPart(i), depth + 1);
        }
        return;
      }
      String name = part.getFileName();
      ReportMediaType type = ReportMediaType.fromContentType(part.getContentType()).orElse(null);
      if (type == null) {
        type = byFileName(name);
        if (type == null) {
          return;
        }
        warnings.add(new Finding("mail", "part " + (name == null ? "" : "'" + name + "' ")
            + "is labelled " + bareType(part.getContentType()) + ", not " + type.mediaType()
            + "; read as a report because of its file name"));
      }
      found.add(new Attachment(name, type, body(part)));
    }

    private byte[] body(Part part) throws MessagingException, IOException {
      try (InputStream in = part.getInputStream()) {
        byte[] bytes = in.readNBytes(limits.maxJsonBytes() + 1);
        if (bytes.length > limits.maxJsonBytes()) {
          throw new PartLimitException("has a report part larger than " + limits.maxJsonBytes()
              + " bytes");
        }
        return bytes;
      }
    }
  }

  private static ReportMediaType byFileName(String name) {
    if (name == null) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json.gz") || lower.endsWith(".json.gzip")) {
      return ReportMediaType.GZIP;
    }
    if (lower.endsWith(".json")) {
      return ReportMediaType.JSON;
    }
    return null;
  }

  private static String bareType(String contentType) {
    if (contentType == null) {
      return "with no type";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }

  /** A mail built to make the walk expensive; stops it at once. */
  private static final class PartLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PartLimitException(String message) {
      super(message);
    }
  }
}
