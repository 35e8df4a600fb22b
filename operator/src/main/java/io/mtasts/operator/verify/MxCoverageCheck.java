package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Mode;
import io.mtasts.operator.policy.MxPattern;
import io.mtasts.operator.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code MxCoverage}: every MX host of the domain must match an mx pattern of the policy (RFC 8461
 * section 4.1), or enforcing senders refuse to deliver to it.
 */
final class MxCoverageCheck {

  private static final CheckName NAME = CheckName.MX_COVERAGE;

  private MxCoverageCheck() {}

  /** The MX hosts mail goes to: the MX records, or the domain itself when it has none. */
  record MailHosts(List<String> hosts, boolean implicit, boolean nullMx) {
    MailHosts {
      hosts = List.copyOf(hosts);
    }
  }

  /** The hosts to check, or empty when DNS could not say. */
  static Optional<MailHosts> mailHosts(String domain, DnsAnswer<DnsLookup.MxHost> answer) {
    if (answer.isFound()) {
      List<String> hosts = new ArrayList<>();
      boolean nullMx = false;
      for (DnsLookup.MxHost mx : answer.records()) {
        if (mx.isNullMx()) {
          nullMx = true;
        } else if (!hosts.contains(mx.host())) {
          hosts.add(mx.host());
        }
      }
      return Optional.of(new MailHosts(hosts, false, nullMx));
    }
    if (answer.status() == DnsAnswer.Status.NO_RECORDS) {
      // RFC 5321 section 5.1: without MX records the domain itself receives the mail
      return Optional.of(new MailHosts(List.of(domain), true, false));
    }
    return Optional.empty();
  }

  static CheckOutcome judge(
      String domain, DnsAnswer<DnsLookup.MxHost> answer, Optional<JudgedPolicy> judged) {
    Optional<MailHosts> found = mailHosts(domain, answer);
    if (found.isEmpty()) {
      return switch (answer.status()) {
        case TEMPORARY_FAILURE -> CheckOutcome.warn(NAME, answer.describeFailure("MX")
            + "; this is a temporary DNS failure, try again");
        case NO_SUCH_DOMAIN -> CheckOutcome.fail(NAME, domain + " does not exist in DNS"
            + " (NXDOMAIN), so it receives no mail");
        default -> CheckOutcome.fail(NAME, answer.describeFailure("MX"));
      };
    }
    MailHosts mail = found.get();
    if (judged.isEmpty()) {
      return CheckOutcome.skipped(NAME, "no valid policy to compare the MX hosts "
          + String.join(", ", mail.hosts()) + " with (see PolicyFetch and PolicySyntax)");
    }
    Policy policy = judged.get().policy();
    String source = judged.get().source();
    if (mail.nullMx() && mail.hosts().isEmpty()) {
      return policy.mode() == Mode.NONE
          ? CheckOutcome.pass(NAME, domain + " publishes a null MX (accepts no mail) and "
              + source + " has mode none")
          : CheckOutcome.warn(NAME, domain + " publishes a null MX (RFC 7505): it accepts no"
              + " mail, so the policy protects nothing; retire it with mode none, or publish"
              + " the real MX hosts");
    }
    List<String> uncovered = mail.hosts().stream().filter(h -> !policy.covers(h)).toList();
    List<String> unused = new ArrayList<>();
    for (MxPattern pattern : policy.mx()) {
      if (mail.hosts().stream().noneMatch(pattern::matches)) {
        unused.add(pattern.value());
      }
    }
    List<String> notes = new ArrayList<>();
    if (mail.implicit()) {
      notes.add(domain + " has no MX record, so senders deliver to " + domain + " itself");
    }
    if (mail.nullMx()) {
      notes.add("a null MX ('MX 0 .') stands beside real MX records, which is invalid;"
          + " remove it");
    }
    if (!uncovered.isEmpty()) {
      StringBuilder message = new StringBuilder();
      for (String host : uncovered) {
        message.append(message.length() == 0 ? "" : "; ").append("MX host ").append(host)
            .append(" is not matched by any mx pattern of ").append(source)
            .append(deeperThanWildcard(host, policy)).append("; add it to the policy's mx");
      }
      notes.forEach(n -> message.append("; ").append(n));
      if (policy.mode() == Mode.ENFORCE) {
        return CheckOutcome.fail(NAME, message + "; enforcing senders refuse to deliver to it");
      }
      return CheckOutcome.warn(NAME, message + "; in mode " + policy.mode() + " senders still"
          + " deliver, but enforce would break delivery to it");
    }
    String covered = "every MX host (" + String.join(", ", mail.hosts()) + ") matches " + source;
    if (!unused.isEmpty()) {
      notes.add("mx pattern" + (unused.size() == 1 ? " " : "s ") + String.join(", ", unused)
          + " match" + (unused.size() == 1 ? "es" : "") + " no MX host; remove "
          + (unused.size() == 1 ? "it" : "them") + " unless an MX is about to use "
          + (unused.size() == 1 ? "it" : "them"));
    }
    if (mail.nullMx() || !unused.isEmpty()) {
      return CheckOutcome.warn(NAME, covered + "; " + String.join("; ", notes));
    }
    return CheckOutcome.pass(NAME, covered + (notes.isEmpty() ? "" : "; " + notes.get(0)));
  }

  /** A hint when a wildcard covers the parent zone but not a host one label further down. */
  private static String deeperThanWildcard(String host, Policy policy) {
    for (MxPattern pattern : policy.mx()) {
      String suffix = pattern.value().substring(1).toLowerCase(Locale.ROOT);
      if (pattern.isWildcard() && host.toLowerCase(Locale.ROOT).endsWith(suffix)) {
        return " ('" + pattern.value() + "' matches exactly one label before '"
            + suffix.substring(1) + "', not " + host + ")";
      }
    }
    return "";
  }
}
