package io.mtasts.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.KubeDuration;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.policy.Mode;
import io.mtasts.operator.policy.MxPattern;
import io.mtasts.operator.verify.MailHostsLookup.MailHosts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back the id of a new {@code mode: enforce} policy while the domain's live MX hosts are
 * not all covered by its mx patterns. Under enforce, a sender that has the policy refuses to
 * deliver to an MX host no pattern matches (RFC 8461 sections 4.1 and 5), so advertising such a
 * policy would turn the operator into the cause of bounced mail. The guard runs inside the served
 * gate: the id goes to status and to the DNSEndpoint only when the gate and the guard both pass.
 *
 * <p>What it decides, once the new bytes are served:
 * <ul>
 *   <li>every MX host matched: the id is advertised;
 *   <li>an MX host not matched: held, {@code MxNotCovered};
 *   <li>a timeout, SERVFAIL or broken answer: held, {@code MxLookupFailed}, since nothing is known;
 *   <li>NXDOMAIN: held, {@code DomainNotFound}: senders who see the domain may see MX hosts the
 *       operator's resolver does not (split-horizon DNS, a zone not yet delegated);
 *   <li>a null MX only (RFC 7505): advertised, {@code NullMx}; the domain receives no mail, so
 *       an enforce policy cannot refuse any.
 * </ul>
 * With the annotation {@value #OVERRIDE_ANNOTATION}{@code : "true"} a held id is advertised
 * anyway and PolicyServed says {@code MxGuardOverridden}.
 *
 * <p>The lookup waits at most the verifier's DNS timeout. The answer behind a hold is kept per
 * domain for the verification interval, so a policy that stays held asks DNS once per interval,
 * not once per reconcile. A new policy (a spec change) is judged on a fresh answer, and an answer
 * that would let an id through is never taken from the cache.
 */
public final class MxGuard {

  public static final String OVERRIDE_ANNOTATION = "mtasts.io/allow-uncovered-mx";

  private static final Logger LOG = LoggerFactory.getLogger(MxGuard.class);
  private static final String KEY = "mtasts.mxGuard";
  private static final String VERDICT_KEY = "mtasts.mxGuard.verdict";

  /**
   * What the guard decided about one new id.
   *
   * @param held whether the id stays unadvertised
   * @param reason the PolicyServed reason to report
   * @param message the PolicyServed message; empty when the plain {@code Served} applies
   */
  public record Verdict(boolean held, String reason, String message) {}

  private record Cached(String policyId, MailHosts answer, Instant at) {}

  private final Function<String, MailHosts> lookup;
  private final Clock clock;
  private final Duration defaultInterval;
  private final Map<String, Cached> held = new ConcurrentHashMap<>();

  /**
   * @param lookup the live MX lookup, bounded by the DNS timeout
   * @param defaultInterval how long a held answer is reused when a resource sets no
   *     verification interval
   */
  public MxGuard(Function<String, MailHosts> lookup, Clock clock, Duration defaultInterval) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.defaultInterval = Objects.requireNonNull(defaultInterval, "defaultInterval");
  }

  public void putInto(Context<MtaStsPolicy> context) {
    var shared = context.managedWorkflowAndDependentResourceContext();
    shared.put(KEY, this);
    shared.put(VERDICT_KEY, null);
  }

  /** The verdict of this reconcile's served gate, when the guard had something to say. */
  public static Optional<Verdict> verdict(Context<MtaStsPolicy> context) {
    return context.managedWorkflowAndDependentResourceContext().get(VERDICT_KEY, Verdict.class);
  }

  /**
   * Called by the served gate once the plan's bytes are served: the reason not to advertise the
   * plan's id yet, or empty to go ahead. The verdict is kept for the status.
   */
  public static Optional<String> hold(
      MtaStsPolicy primary, PolicyPlan plan, Context<MtaStsPolicy> context) {
    var shared = context.managedWorkflowAndDependentResourceContext();
    Optional<MxGuard> guard = shared.get(KEY, MxGuard.class);
    if (guard.isEmpty()) {
      return Optional.empty();
    }
    Optional<Verdict> verdict = guard.get().judge(primary, plan);
    verdict.ifPresent(v -> shared.put(VERDICT_KEY, v));
    return verdict.filter(Verdict::held).map(Verdict::message);
  }

  /** The verdict on advertising the plan's id; empty when there is nothing to report. */
  Optional<Verdict> judge(MtaStsPolicy primary, PolicyPlan plan) {
    MtaStsPolicyStatus status = primary.getStatus();
    String advertised = status == null ? null : status.getPolicyId();
    if (plan.policyId().equals(advertised)) {
      // advertised already: what the guard said then stays visible while that id is out
      return guardedBefore(status)
          .filter(v -> !v.reason().equals(ConditionReasons.MX_GUARD_OVERRIDDEN)
              || overridden(primary));
    }
    if (plan.policy().mode() != Mode.ENFORCE) {
      return Optional.empty();
    }
    String domain = plan.domain().toLowerCase(java.util.Locale.ROOT);
    Duration interval = interval(primary);
    Instant now = clock.instant();
    Cached cached = held.get(domain);
    MailHosts answer;
    if (cached != null && cached.policyId().equals(plan.policyId())
        && now.isBefore(cached.at().plus(interval)) && holds(cached.answer(), plan)) {
      answer = cached.answer();
    } else {
      answer = lookup.apply(domain);
    }
    Verdict verdict = verdictOn(answer, plan, advertised, interval, overridden(primary));
    if (verdict.held()) {
      if (cached == null || cached.answer() != answer) {
        held.put(domain, new Cached(plan.policyId(), answer, now));
        LOG.info("{}/{}: policy {} held back: {}", plan.namespace(),
            primary.getMetadata().getName(), plan.policyId(), verdict.message());
      }
    } else {
      held.remove(domain);
    }
    return Optional.of(verdict);
  }

  private static Optional<Verdict> guardedBefore(MtaStsPolicyStatus status) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream()
        .filter(c -> ConditionTypes.POLICY_SERVED.equals(c.getType()))
        .filter(c -> ConditionReasons.MX_GUARD_OVERRIDDEN.equals(c.getReason())
            || ConditionReasons.NULL_MX.equals(c.getReason()))
        .findFirst()
        .map(c -> new Verdict(false, c.getReason(), c.getMessage()));
  }

  private static boolean holds(MailHosts answer, PolicyPlan plan) {
    return answer.kind() == MailHosts.Kind.FAILED
        || answer.kind() == MailHosts.Kind.NO_SUCH_DOMAIN
        || (answer.kind() == MailHosts.Kind.HOSTS && !answer.uncoveredBy(plan.policy()).isEmpty());
  }

  static Verdict verdictOn(MailHosts answer, PolicyPlan plan, String advertised,
      Duration interval, boolean overridden) {
    String domain = answer.domain();
    String id = "policy " + plan.policyId();
    String stays = advertised == null ? "no policy id is advertised yet"
        : "policy id " + advertised + " stays advertised";
    String retry = "the MX records are looked up again every " + KubeDuration.format(interval);
    String reason;
    String why;
    String todo;
    switch (answer.kind()) {
      case NULL_MX -> {
        return new Verdict(false, ConditionReasons.NULL_MX, id + " is served and advertised; "
            + domain + " publishes a null MX (RFC 7505) and receives no mail, so the enforce"
            + " policy cannot refuse any; publish the DNS records in status.dnsRecords");
      }
      case HOSTS -> {
        List<String> uncovered = answer.uncoveredBy(plan.policy());
        if (uncovered.isEmpty()) {
          return new Verdict(false, ConditionReasons.SERVED, "");
        }
        reason = ConditionReasons.MX_NOT_COVERED;
        why = "MX host" + (uncovered.size() == 1 ? " " : "s ") + String.join(", ", uncovered)
            + " of " + domain + (uncovered.size() == 1 ? " is" : " are")
            + " not matched by any mx pattern of the new enforce " + id + " ("
            + plan.policy().mx().stream().map(MxPattern::value)
                .collect(Collectors.joining(", "))
            + "); senders holding it would refuse to deliver mail there";
        todo = "add " + (uncovered.size() == 1 ? "the host" : "the hosts")
            + " to spec.mx, or correct the MX records";
      }
      case NO_SUCH_DOMAIN -> {
        reason = ConditionReasons.DOMAIN_NOT_FOUND;
        why = domain + " does not exist (NXDOMAIN) in the DNS the operator asks, so its MX hosts"
            + " cannot be checked against the new enforce " + id;
        todo = "check that the domain is delegated and that the operator's DNS servers"
            + " (MTASTS_DNS_SERVERS) see the public zone";
      }
      default -> {
        reason = ConditionReasons.MX_LOOKUP_FAILED;
        why = "the MX lookup of " + domain + " failed (" + answer.problem() + "), so its MX"
            + " hosts cannot be checked against the new enforce " + id;
        todo = "check the operator's DNS servers (MTASTS_DNS_SERVERS) and the domain's name"
            + " servers";
      }
    }
    if (overridden) {
      return new Verdict(false, ConditionReasons.MX_GUARD_OVERRIDDEN, why + "; advertised anyway"
          + " because the annotation " + OVERRIDE_ANNOTATION + "=\"true\" is set");
    }
    return new Verdict(true, reason, why + "; " + stays + ". To fix: " + todo + "; " + retry
        + ". To advertise anyway, set the annotation " + OVERRIDE_ANNOTATION + "=\"true\"");
  }

  private static boolean overridden(MtaStsPolicy primary) {
    Map<String, String> annotations = primary.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(OVERRIDE_ANNOTATION));
  }

  private Duration interval(MtaStsPolicy primary) {
    var verification = primary.getSpec().getVerification();
    return verification != null && verification.getInterval() != null
        ? KubeDuration.parse(verification.getInterval()) : defaultInterval;
  }
}
