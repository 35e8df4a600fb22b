package io.mtasts.operator.verify;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one DNS question, with the distinction the checks depend on: a name that does not
 * exist or has no records of the type is a fact about the domain, while a timeout or SERVFAIL
 * says nothing about it and must never be reported as "no MTA-STS".
 *
 * @param name the name asked about, without the trailing dot
 * @param status what kind of answer it was
 * @param records the records found (only for {@link Status#FOUND})
 * @param cnameChain the names that were aliases on the way, starting with {@code name}; empty
 *     when the name owned the records itself
 * @param problem for failures, what went wrong, written for a user
 */
record DnsAnswer<T>(
    String name, Status status, List<T> records, List<String> cnameChain, String problem) {

  enum Status {
    /** At least one record of the type. */
    FOUND,
    /** NXDOMAIN: the name does not exist. */
    NO_SUCH_DOMAIN,
    /** NOERROR without records of the type (NODATA). */
    NO_RECORDS,
    /** Timeout, SERVFAIL or a network error: ask again later. */
    TEMPORARY_FAILURE,
    /** The zone data is broken, such as a CNAME loop: a fact about the domain. */
    BROKEN
  }

  DnsAnswer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    records = List.copyOf(records);
    cnameChain = List.copyOf(cnameChain);
    Objects.requireNonNull(problem, "problem");
  }

  static <T> DnsAnswer<T> found(String name, List<T> records, List<String> cnameChain) {
    if (records.isEmpty()) {
      return new DnsAnswer<>(name, Status.NO_RECORDS, List.of(), cnameChain, "");
    }
    return new DnsAnswer<>(name, Status.FOUND, records, cnameChain, "");
  }

  static <T> DnsAnswer<T> failed(String name, Status status, String problem) {
    return new DnsAnswer<>(name, status, List.of(), List.of(), problem);
  }

  boolean isFound() {
    return status == Status.FOUND;
  }

  /** NXDOMAIN or NODATA: the domain really publishes nothing here. */
  boolean isAbsent() {
    return status == Status.NO_SUCH_DOMAIN || status == Status.NO_RECORDS;
  }

  boolean isTemporaryFailure() {
    return status == Status.TEMPORARY_FAILURE;
  }

  /** " (via CNAME a → b)" when aliases were followed, else empty; for messages. */
  String viaCnames() {
    if (cnameChain.size() < 2) {
      return cnameChain.isEmpty() ? "" : " (via CNAME " + cnameChain.get(0) + ")";
    }
    return " (via CNAME " + String.join(" -> ", cnameChain) + ")";
  }

  /** What kind of absence or failure this was, for messages: "does not exist (NXDOMAIN)". */
  String describeFailure(String type) {
    return switch (status) {
      case FOUND -> "has " + records.size() + " " + type + " record(s)";
      case NO_SUCH_DOMAIN -> name + " does not exist (NXDOMAIN)";
      case NO_RECORDS -> name + " has no " + type + " record" + viaCnames();
      case TEMPORARY_FAILURE -> type + " lookup of " + name + " failed temporarily: " + problem;
      case BROKEN -> type + " lookup of " + name + " failed: " + problem;
    };
  }
}
