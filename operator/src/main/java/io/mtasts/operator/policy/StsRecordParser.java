package io.mtasts.operator.policy;

import java.util.ArrayList;
import java.util.List;

/** Strict parser and RRset selection for the {@code _mta-sts} TXT record. */
public final class StsRecordParser {

  private StsRecordParser() {}

  /** Parses one record (the strings of a multi-string record already joined). */
  public static ParseResult<StsRecord> parse(String text) {
    TaggedRecord.Split split = TaggedRecord.split(text, StsRecord.VERSION, List.of("id"));
    List<Finding> errors = new ArrayList<>(split.errors());
    List<Finding> warnings = new ArrayList<>(split.warnings());
    String id = null;
    for (TaggedRecord.Field field : split.fields()) {
      if (!field.name().equals("id")) {
        continue;
      }
      if (id != null) {
        warnings.add(Finding.atField("id", "appears more than once; the first value '" + id
            + "' is used"));
        continue;
      }
      id = field.value();
      if (!StsRecord.ID.matcher(id).matches()) {
        errors.add(Finding.atField("id", "value '" + TaggedRecord.abbreviate(id)
            + "' must be 1 to 32 letters or digits (no '-', '_', '.', spaces)"));
      }
    }
    if (id == null && split.errors().isEmpty()) {
      errors.add(Finding.atField("id", "is required: v=STSv1; id=<1 to 32 letters or digits>"));
    }
    if (!errors.isEmpty()) {
      return ParseResult.invalid(errors, warnings);
    }
    return ParseResult.valid(new StsRecord(id), warnings);
  }

  /**
   * RFC 8461 section 3.1: from all TXT records at {@code _mta-sts.<domain>}, each given as its
   * list of strings, discard those not beginning with {@code v=STSv1;}; exactly one must remain.
   */
  public static ParseResult<StsRecord> select(List<List<String>> rrset) {
    return TxtRrset.select(rrset, StsRecord.VERSION, StsRecordParser::parse);
  }
}
