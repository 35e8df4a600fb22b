package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Mode;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code PolicySyntax}, {@code PolicyContent} and {@code PolicyMode}: what the fetched policy
 * says, whether it is what should be served, and whether its mode and max_age are sensible.
 */
final class PolicyChecks {

  static final long ONE_DAY = Duration.ofDays(1).toSeconds();
  static final long ONE_WEEK = Duration.ofDays(7).toSeconds();

  /** The syntax verdict and the policy, when the body is valid. */
  record Syntax(CheckOutcome outcome, Optional<Policy> policy) {}

  private PolicyChecks() {}

  static Syntax syntax(FetchedPolicy fetched) {
    CheckName name = CheckName.POLICY_SYNTAX;
    if (fetched.body().isEmpty()) {
      return new Syntax(CheckOutcome.skipped(name, fetched.whyNoBody()), Optional.empty());
    }
    ParseResult<Policy> parsed = PolicyParser.parse(fetched.body().get());
    if (!parsed.isValid()) {
      String warnings = parsed.warnings().isEmpty() ? ""
          : "; also: " + TxtRecords.join(parsed.warnings());
      return new Syntax(CheckOutcome.fail(name, "the served policy is invalid, so senders"
          + " ignore it: " + TxtRecords.join(parsed.errors()) + warnings), Optional.empty());
    }
    Policy policy = parsed.get();
    String summary = "valid: mode " + policy.mode() + ", " + policy.mx().size() + " mx pattern"
        + (policy.mx().size() == 1 ? "" : "s") + ", max_age " + policy.maxAge();
    if (!parsed.warnings().isEmpty()) {
      return new Syntax(CheckOutcome.warn(name, summary + ", but "
          + TxtRecords.join(parsed.warnings())), Optional.of(policy));
    }
    return new Syntax(CheckOutcome.pass(name, summary), Optional.of(policy));
  }

  static CheckOutcome content(FetchedPolicy fetched, Optional<byte[]> expected) {
    CheckName name = CheckName.POLICY_CONTENT;
    if (expected.isEmpty()) {
      return CheckOutcome.skipped(name, "no desired policy to compare with (the operator"
          + " compares the served bytes with those it publishes)");
    }
    if (fetched.body().isEmpty()) {
      return CheckOutcome.skipped(name, fetched.whyNoBody());
    }
    byte[] served = fetched.body().get();
    byte[] wanted = expected.get();
    if (Arrays.equals(served, wanted)) {
      return CheckOutcome.pass(name, "the served policy is exactly the desired one ("
          + served.length + " bytes)");
    }
    return CheckOutcome.fail(name, "the served policy differs from the desired one: "
        + firstDifference(served, wanted) + "; the web server has not picked up the new policy"
        + " yet, or another server answers for this host");
  }

  /** Where two texts first differ, by line, with both versions shown. */
  static String firstDifference(byte[] served, byte[] wanted) {
    String[] a = new String(served, StandardCharsets.UTF_8).split("\n", -1);
    String[] b = new String(wanted, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String left = i < a.length ? a[i] : null;
      String right = i < b.length ? b[i] : null;
      if (left == null || right == null || !left.equals(right)) {
        return "line " + (i + 1) + " is " + show(left) + ", desired " + show(right);
      }
    }
    return "the bytes differ (" + served.length + " served, " + wanted.length + " desired)";
  }

  private static String show(String line) {
    if (line == null) {
      return "missing";
    }
    String visible = line.replace("\r", "\\r").replace("\t", "\\t");
    return "'" + (visible.length() > 80 ? visible.substring(0, 77) + "..." : visible) + "'";
  }

  static CheckOutcome mode(Optional<JudgedPolicy> judged) {
    CheckName name = CheckName.POLICY_MODE;
    if (judged.isEmpty()) {
      return CheckOutcome.skipped(name, "no valid policy to judge (see PolicyFetch and"
          + " PolicySyntax)");
    }
    Policy policy = judged.get().policy();
    String source = judged.get().source();
    long maxAge = policy.maxAge();
    String age = "max_age " + maxAge + " (" + describeSeconds(maxAge) + ")";
    return switch (policy.mode()) {
      case ENFORCE -> maxAge < ONE_WEEK
          ? CheckOutcome.warn(name, source + " enforces with " + age + ", below a week: a"
              + " policy that expires this soon protects little against an attacker who"
              + " strips it; use at least 604800, better several weeks")
          : CheckOutcome.pass(name, source + " enforces with " + age);
      case TESTING -> CheckOutcome.warn(name, source + " is in testing mode (" + age + "):"
          + " senders report TLS failures but still deliver without TLS; switch to enforce"
          + " once the TLS-RPT reports show no failures" + shortAge(maxAge));
      case NONE -> CheckOutcome.warn(name, source + " has mode none: MTA-STS is being"
          + " retired; keep serving it until every previously served max_age has run out,"
          + " then remove the TXT record and the policy host");
    };
  }

  private static String shortAge(long maxAge) {
    return maxAge < ONE_DAY ? "; max_age is below a day, so senders refetch the policy often"
        + " and forget it fast; use at least 86400" : "";
  }

  private static String describeSeconds(long seconds) {
    if (seconds >= ONE_DAY && seconds % ONE_DAY == 0) {
      long days = seconds / ONE_DAY;
      return days + (days == 1 ? " day" : " days");
    }
    if (seconds >= 3600 && seconds % 3600 == 0) {
      return seconds / 3600 + " h";
    }
    return seconds + " s";
  }

  /** The mode of the judged policy, for checks whose severity depends on it. */
  static Optional<Mode> modeOf(Optional<JudgedPolicy> judged) {
    return judged.map(j -> j.policy().mode());
  }
}
