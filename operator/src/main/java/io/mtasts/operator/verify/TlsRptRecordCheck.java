package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Mode;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.policy.TlsRptRecord;
import io.mtasts.operator.policy.TlsRptRecordParser;
import io.mtasts.operator.policy.TxtRrset;
import java.util.List;
import java.util.Optional;

/** {@code TlsRptRecord}: the {@code _smtp._tls.<domain>} TXT record (RFC 8460 section 3). */
final class TlsRptRecordCheck {

  private static final CheckName NAME = CheckName.TLS_RPT_RECORD;
  private static final String EXAMPLE = TlsRptRecord.VERSION + "; rua=mailto:tls-reports@";

  /** The verdict and the text of the one TLS-RPT record, if exactly one was found. */
  record Finding(CheckOutcome outcome, Optional<String> text) {}

  private TlsRptRecordCheck() {}

  static Finding judge(
      String domain, DnsAnswer<List<String>> answer, Optional<String> expected,
      Optional<Mode> mode) {
    String name = answer.name();
    if (answer.isTemporaryFailure()) {
      return new Finding(CheckOutcome.warn(NAME, answer.describeFailure("TXT")
          + "; this is a temporary DNS failure, try again"), Optional.empty());
    }
    if (answer.status() == DnsAnswer.Status.BROKEN) {
      return new Finding(CheckOutcome.fail(NAME, answer.describeFailure("TXT")),
          Optional.empty());
    }
    List<List<String>> rrset = answer.records();
    Optional<String> text = TxtRecords.onlyRecordWithVersion(rrset, TlsRptRecord.VERSION);
    boolean none = rrset.stream().map(TxtRrset::join)
        .noneMatch(t -> t.startsWith(TlsRptRecord.VERSION));
    if (none) {
      return new Finding(missing(domain, name, expected, mode), Optional.empty());
    }
    ParseResult<TlsRptRecord> selected = TlsRptRecordParser.select(rrset);
    String where = name + answer.viaCnames();
    if (!selected.isValid()) {
      return new Finding(CheckOutcome.fail(NAME, "the TLS-RPT record"
          + text.map(t -> " '" + t + "'").orElse("") + " at " + where + " is not usable: "
          + TxtRecords.join(selected.errors()) + "; no reports will be sent"), text);
    }
    TlsRptRecord found = selected.get();
    String shown = "'" + text.orElse(found.render()) + "' at " + where;
    if (expected.isPresent()) {
      ParseResult<TlsRptRecord> wanted = TlsRptRecordParser.parse(expected.get());
      if (!wanted.isValid() || !wanted.get().rua().equals(found.rua())) {
        return new Finding(CheckOutcome.fail(NAME, shown + " differs from the desired record;"
            + " publish '" + expected.get() + "'"), text);
      }
    }
    if (!selected.warnings().isEmpty()) {
      return new Finding(CheckOutcome.warn(NAME, shown + " is valid, but "
          + TxtRecords.join(selected.warnings())), text);
    }
    return new Finding(CheckOutcome.pass(NAME, shown + " is valid"
        + (expected.isPresent() ? " and as desired" : "")), text);
  }

  private static CheckOutcome missing(
      String domain, String name, Optional<String> expected, Optional<Mode> mode) {
    String publish = "publish '" + expected.orElse(EXAMPLE + domain) + "' at " + name;
    String nothing = "no TLS-RPT record (" + TlsRptRecord.VERSION + ") at " + name;
    if (expected.isPresent()) {
      return CheckOutcome.fail(NAME, nothing + "; " + publish);
    }
    if (mode.isPresent() && mode.get() == Mode.TESTING) {
      return CheckOutcome.warn(NAME, nothing + ": in testing mode the failure reports are the"
          + " only result, and nobody receives them; " + publish);
    }
    // nothing was found, so nothing passed: an absent optional record is not a verdict
    return CheckOutcome.skipped(NAME, nothing + "; it is optional, but without it you do not learn"
        + " about failed TLS deliveries; " + publish);
  }
}
