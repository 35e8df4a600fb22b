package io.mtasts.operator.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Strict parser and RRset selection for the {@code _smtp._tls} TLS-RPT TXT record. */
public final class TlsRptRecordParser {

  private TlsRptRecordParser() {}

  /** Parses one record (the strings of a multi-string record already joined). */
  public static ParseResult<TlsRptRecord> parse(String text) {
    TaggedRecord.Split split = TaggedRecord.split(text, TlsRptRecord.VERSION, List.of("rua"));
    List<Finding> errors = new ArrayList<>(split.errors());
    List<Finding> warnings = new ArrayList<>(split.warnings());
    List<String> rua = null;
    for (TaggedRecord.Field field : split.fields()) {
      if (!field.name().equals("rua")) {
        continue;
      }
      if (rua != null) {
        warnings.add(Finding.atField("rua", "appears more than once; senders disagree on whether"
            + " to use the first or all; publish one rua= with a comma-separated list"));
        continue;
      }
      rua = parseUris(field.value(), errors);
    }
    if (rua == null && split.errors().isEmpty()) {
      errors.add(Finding.atField("rua",
          "is required: v=TLSRPTv1; rua=mailto:reports@example.com"));
    }
    if (!errors.isEmpty()) {
      return ParseResult.invalid(errors, warnings);
    }
    return ParseResult.valid(new TlsRptRecord(rua), warnings);
  }

  /**
   * RFC 8460 section 3: from all TXT records at {@code _smtp._tls.<domain>}, each given as its
   * list of strings, discard those not beginning with {@code v=TLSRPTv1;}; exactly one must
   * remain.
   */
  public static ParseResult<TlsRptRecord> select(List<List<String>> rrset) {
    return TxtRrset.select(rrset, TlsRptRecord.VERSION, TlsRptRecordParser::parse);
  }

  /** Checks one reporting URI; null when it is acceptable, else what is wrong. */
  public static String uriProblem(String uri) {
    if (uri.isEmpty()) {
      return "empty URI in the list";
    }
    String shown = TaggedRecord.escapeControls(uri);
    if (uri.indexOf('!') >= 0) {
      return "URI '" + shown + "' contains '!', which must be percent-encoded as %21";
    }
    if (uri.indexOf(',') >= 0) {
      return "URI '" + shown + "' contains ',', which must be percent-encoded as %2C";
    }
    if (uri.indexOf(';') >= 0) {
      return "URI '" + shown + "' contains ';', which must be percent-encoded as %3B";
    }
    if (uri.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
      return "URI '" + shown + "' contains spaces or non-ASCII characters";
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return "URI '" + shown + "' is malformed: " + e.getReason();
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "mailto" -> {
        String address = parsed.getSchemeSpecificPart();
        int at = address == null ? -1 : address.indexOf('@');
        if (at <= 0 || at == address.length() - 1) {
          return "URI '" + shown + "' must be mailto:<local-part>@<domain>";
        }
        return null;
      }
      case "https" -> {
        if (parsed.getHost() == null) {
          return "URI '" + shown + "' must name a host: https://<host>/<path>";
        }
        return null;
      }
      default -> {
        return "URI '" + shown + "' must use the mailto: or https: scheme";
      }
    }
  }

  private static List<String> parseUris(String value, List<Finding> errors) {
    List<String> uris = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String uri = Whitespace.strip(part);
      String problem = uriProblem(uri);
      if (problem != null) {
        errors.add(Finding.atField("rua", problem));
      } else {
        uris.add(uri);
      }
    }
    return uris;
  }
}
