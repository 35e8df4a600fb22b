package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Mode;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** {@code MxStartTls}: folds the probes of the MX hosts into one verdict. */
final class MxStartTlsCheck {

  /** More MX hosts than this are not probed: the check must end in bounded time. */
  static final int MAX_PROBED_HOSTS = 10;

  static final String DISABLED = "the STARTTLS probe of the MX hosts is off (check"
      + " --probe-mx; verification.probeMx in an MtaStsPolicy); it needs outbound port 25";

  private static final CheckName NAME = CheckName.MX_STARTTLS;

  private MxStartTlsCheck() {}

  static CheckOutcome nothingToProbe(String why) {
    return CheckOutcome.skipped(NAME, why);
  }

  static CheckOutcome disabled() {
    return CheckOutcome.skipped(NAME, DISABLED);
  }

  static CheckOutcome judge(
      List<StartTlsProbe.HostResult> results, int skippedHosts, Optional<Mode> mode, int port) {
    List<StartTlsProbe.HostResult> insecure = with(results, StartTlsProbe.Verdict.INSECURE);
    List<StartTlsProbe.HostResult> secure = with(results, StartTlsProbe.Verdict.SECURE);
    List<StartTlsProbe.HostResult> unreachable = with(results, StartTlsProbe.Verdict.UNREACHABLE);
    List<StartTlsProbe.HostResult> unknown = with(results, StartTlsProbe.Verdict.UNKNOWN);
    String all = results.stream().map(StartTlsProbe.HostResult::message)
        .collect(Collectors.joining("; "))
        + (skippedHosts > 0 ? "; " + skippedHosts + " more MX hosts were not probed" : "");
    if (!insecure.isEmpty()) {
      boolean soft = mode.isPresent() && mode.get() != Mode.ENFORCE;
      String hosts = insecure.stream().map(StartTlsProbe.HostResult::host)
          .collect(Collectors.joining(", "));
      String consequence = soft
          ? "; in mode " + mode.get() + " senders still deliver, but enforce would refuse "
              + hosts
          : "; enforcing senders refuse to deliver to " + hosts;
      List<StartTlsProbe.HostResult> others =
          results.stream().filter(r -> r.verdict() != StartTlsProbe.Verdict.INSECURE).toList();
      String rest = others.isEmpty() ? "" : "; the other MX hosts: "
          + others.stream().map(StartTlsProbe.HostResult::message)
              .collect(Collectors.joining("; "));
      String message = insecure.stream().map(StartTlsProbe.HostResult::message)
          .collect(Collectors.joining("; ")) + consequence + rest;
      return soft ? CheckOutcome.warn(NAME, message) : CheckOutcome.fail(NAME, message);
    }
    if (secure.size() == results.size()) {
      return CheckOutcome.pass(NAME, all);
    }
    if (secure.isEmpty() && unreachable.size() == results.size()) {
      return CheckOutcome.skipped(NAME, "port " + port + " of the MX hosts cannot be reached"
          + " from here (" + all + "); outbound port " + port + " is often blocked; run the"
          + " probe where it is open");
    }
    // some hosts were fine or not contacted, the rest unreachable or unknown for now
    String advice = unknown.isEmpty() ? "" : "; DNS failures are temporary, try again";
    return CheckOutcome.warn(NAME, all + advice);
  }

  private static List<StartTlsProbe.HostResult> with(
      List<StartTlsProbe.HostResult> results, StartTlsProbe.Verdict verdict) {
    Predicate<StartTlsProbe.HostResult> same = r -> r.verdict() == verdict;
    return results.stream().filter(same).toList();
  }
}
