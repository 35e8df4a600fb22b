package io.mtasts.operator.policy;

import java.util.regex.Pattern;

/** The {@code _mta-sts} TXT record of RFC 8461 section 3.1. */
public record StsRecord(String id) {

  public static final String VERSION = "v=STSv1";
  static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");

  public StsRecord {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be 1 to 32 letters or digits: " + id);
    }
  }

  /** The record text to publish: {@code v=STSv1; id=<id>}, no space before the ';'. */
  public String render() {
    return VERSION + "; id=" + id;
  }

  /** The DNS name that carries the record for a policy domain. */
  public static String dnsName(String domain) {
    return "_mta-sts." + domain;
  }
}
