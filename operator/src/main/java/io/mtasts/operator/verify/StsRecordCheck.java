package io.mtasts.operator.verify;

import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.policy.StsRecord;
import io.mtasts.operator.policy.StsRecordParser;
import java.util.List;
import java.util.Optional;

/** {@code StsTxtRecord}: the {@code _mta-sts.<domain>} TXT record (RFC 8461 section 3.1). */
final class StsRecordCheck {

  private static final CheckName NAME = CheckName.STS_TXT_RECORD;

  /** The verdict and the id of the valid record, if there is one. */
  record Finding(CheckOutcome outcome, Optional<String> id) {}

  private StsRecordCheck() {}

  static Finding judge(DnsAnswer<List<String>> answer, Optional<String> expectedId) {
    String name = answer.name();
    String publish = "publish '" + StsRecord.VERSION + "; id="
        + expectedId.orElse("<1 to 32 letters or digits>") + "' at " + name;
    switch (answer.status()) {
      case NO_SUCH_DOMAIN, NO_RECORDS -> {
        return new Finding(CheckOutcome.fail(NAME, answer.describeFailure("TXT")
            + ": the domain has no MTA-STS policy; " + publish), Optional.empty());
      }
      case TEMPORARY_FAILURE -> {
        return new Finding(CheckOutcome.warn(NAME, answer.describeFailure("TXT")
            + "; this is a temporary DNS failure, not a verdict on MTA-STS; try again"),
            Optional.empty());
      }
      case BROKEN -> {
        return new Finding(CheckOutcome.fail(NAME, answer.describeFailure("TXT")),
            Optional.empty());
      }
      default -> {
        // FOUND: judged below
      }
    }
    ParseResult<StsRecord> selected = StsRecordParser.select(answer.records());
    String where = name + answer.viaCnames();
    if (!selected.isValid()) {
      String text = TxtRecords.onlyRecordWithVersion(answer.records(), StsRecord.VERSION)
          .map(t -> " '" + t + "'").orElse("");
      String warnings = selected.warnings().isEmpty() ? ""
          : "; also: " + TxtRecords.join(selected.warnings());
      return new Finding(CheckOutcome.fail(NAME, "the TXT record" + text + " at " + where
          + " is not usable: " + TxtRecords.join(selected.errors()) + warnings
          + "; senders see no MTA-STS policy"), Optional.empty());
    }
    String id = selected.get().id();
    String found = "'" + selected.get().render() + "' at " + where;
    if (expectedId.isPresent() && !expectedId.get().equals(id)) {
      String warnings = selected.warnings().isEmpty() ? ""
          : "; also: " + TxtRecords.join(selected.warnings());
      return new Finding(CheckOutcome.fail(NAME, found + " has id " + id + ", expected "
          + expectedId.get() + "; senders keep the policy they cached under the old id; "
          + "publish '" + new StsRecord(expectedId.get()).render() + "'" + warnings),
          Optional.of(id));
    }
    if (!selected.warnings().isEmpty()) {
      return new Finding(CheckOutcome.warn(NAME, found + " is valid, but "
          + TxtRecords.join(selected.warnings())), Optional.of(id));
    }
    return new Finding(CheckOutcome.pass(NAME, found + " is valid"
        + (expectedId.isPresent() ? " and has the expected id" : "")), Optional.of(id));
  }
}
