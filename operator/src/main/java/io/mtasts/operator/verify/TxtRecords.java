package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.TxtRrset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reading TXT record sets the way both TXT record checks need. */
final class TxtRecords {

  private TxtRecords() {}

  /** The text of the one record beginning with {@code version}, if exactly one does. */
  static Optional<String> onlyRecordWithVersion(List<List<String>> rrset, String version) {
    List<String> candidates = rrset.stream().map(TxtRrset::join)
        .filter(text -> text.startsWith(version)).toList();
    return candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
  }

  static String join(List<Finding> findings) {
    return findings.stream().map(Finding::toString).collect(Collectors.joining("; "));
  }
}
