package io.mtasts.operator.policy;

import java.util.List;

/**
 * The {@code _smtp._tls} TXT record of RFC 8460 section 3: where reports are sent. Every URI is
 * checked as the parser checks it, so a record's rendering always parses back to it.
 */
public record TlsRptRecord(List<String> rua) {

  public static final String VERSION = "v=TLSRPTv1";

  public TlsRptRecord {
    rua = List.copyOf(rua);
    if (rua.isEmpty()) {
      throw new IllegalArgumentException("at least one rua URI is required");
    }
    for (String uri : rua) {
      String problem = TlsRptRecordParser.uriProblem(uri);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
  }

  /** The record text to publish: one {@code rua=} with a comma-separated list. */
  public String render() {
    return VERSION + "; rua=" + String.join(",", rua);
  }

  /** The DNS name that carries the record for a mail domain. */
  public static String dnsName(String domain) {
    return "_smtp._tls." + domain;
  }
}
