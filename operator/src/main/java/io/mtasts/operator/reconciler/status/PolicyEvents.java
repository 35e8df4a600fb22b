package io.mtasts.operator.reconciler.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for a policy, one per condition transition, so {@code kubectl describe}
 * shows what changed and when without repeating steady state.
 *
 * <p>A transition is a change between known statuses (True and False), or a problem appearing.
 * The first statuses of a condition that are not problems are not Events: a new policy rolling
 * out, verification pending (Unknown), a first verification that passes, an existing Secret in
 * use. Status already shows them, and an Event each would make a new policy's history mostly
 * Warnings about nothing wrong. Progress (a rollout, an issuance) is Normal; only problems are
 * Warnings. A problem that turns into another one while the status stays False (a rollout
 * refused as InvalidSpec) is a transition too, and pausing or resuming is always recorded, as
 * Normal: it is the user's own decision.
 */
public class PolicyEvents {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyEvents.class);
  static final String COMPONENT = "mta-sts-operator";
  /**
   * Conditions that are neither good nor bad news: pausing and resuming are a user's own
   * decision, recorded as Normal Events every time, a problem only with a reason below.
   */
  private static final Set<String> NEUTRAL = Set.of(ConditionTypes.PAUSED);
  /** Reasons of a neutral condition that are a problem after all. */
  private static final Set<String> NEUTRAL_PROBLEMS = Set.of(ConditionReasons.INVALID_PAUSE_VALUE);
  /**
   * Reasons whose message changes are Events of their own: each refused edit of the spec shows
   * in {@code kubectl describe}, even when the one before was refused too. Their messages depend
   * on the spec alone, so they cannot repeat without an edit.
   */
  private static final Set<String> EVERY_MESSAGE = Set.of(ConditionReasons.INVALID_SPEC);
  /**
   * Reasons of a False status that is work under way, not a problem: old pods still terminating,
   * bytes handed to a shared server and a certificate being issued are part of every change.
   */
  private static final Set<String> PROGRESS =
      Set.of(ConditionReasons.ROLLING_OUT, ConditionReasons.HANDED_OVER, ConditionReasons.ISSUING,
          ConditionReasons.SERVED_POLICY_DIFFERS, ConditionReasons.CERTIFICATE_NOT_READY);
  /**
   * Reasons of a True status that are a problem all the same: an enforce id advertised although
   * the MX guard found mail hosts it does not cover, because the user overrode the guard.
   */
  private static final Set<String> TRUE_BUT_PROBLEM = Set.of(ConditionReasons.MX_GUARD_OVERRIDDEN);

  private final KubernetesClient client;
  private final Clock clock;

  public PolicyEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** An Event to record: its type (Normal or Warning), reason and message. */
  public record Notice(String type, String reason, String message) {}

  public void recordTransitions(MtaStsPolicy policy, List<Condition> before, List<Condition> after) {
    List<Notice> notices = new ArrayList<>(noticesFor(before, after));
    notices.addAll(RefusalNotices.changed(before, after, notices));
    for (Notice notice : notices) {
      record(policy, notice.type(), notice.reason(), notice.message());
    }
  }

  /** The Events that the change of conditions from {@code before} to {@code after} is worth. */
  public static List<Notice> noticesFor(List<Condition> before, List<Condition> after) {
    List<Condition> worth = new ArrayList<>();
    for (Condition c : StatusConditions.transitions(before, after)) {
      if (StatusConditions.UNKNOWN.equals(c.getStatus())) {
        continue;
      }
      if (isProblem(c) || wasKnown(before, c.getType()) || NEUTRAL.contains(c.getType())) {
        worth.add(c);
      }
    }
    // a status that stays but turns into another problem (Ready False from RollingOut to
    // InvalidSpec) is news too
    for (Condition c : after == null ? List.<Condition>of() : after) {
      Condition old = find(before, c.getType());
      if (old != null && Objects.equals(old.getStatus(), c.getStatus()) && isProblem(c)
          && (!Objects.equals(old.getReason(), c.getReason())
              || (EVERY_MESSAGE.contains(c.getReason())
                  && !Objects.equals(old.getMessage(), c.getMessage())))) {
        worth.add(c);
      }
    }
    // Ready sums up the others: when one of them has its own Event, Ready's would repeat it
    if (worth.size() > 1) {
      worth.removeIf(c -> ConditionTypes.READY.equals(c.getType()));
    }
    // Verified sums up the checks, the DNS records' among them: the same reason on both is one
    // finding, told once
    Condition records = find(worth, ConditionTypes.DNS_RECORDS_VERIFIED);
    if (records != null) {
      worth.removeIf(c -> ConditionTypes.VERIFIED.equals(c.getType())
          && Objects.equals(c.getStatus(), records.getStatus())
          && Objects.equals(c.getReason(), records.getReason()));
    }
    return worth.stream()
        .map(c -> new Notice(isProblem(c) ? "Warning" : "Normal", c.getReason(),
            c.getType() + " is " + c.getStatus() + ": " + c.getMessage()))
        .toList();
  }

  private static boolean isProblem(Condition c) {
    if (NEUTRAL.contains(c.getType())) {
      return NEUTRAL_PROBLEMS.contains(c.getReason());
    }
    boolean good = StatusConditions.TRUE.equals(c.getStatus())
        && !TRUE_BUT_PROBLEM.contains(c.getReason());
    return !good && !StatusConditions.UNKNOWN.equals(c.getStatus())
        && !PROGRESS.contains(c.getReason());
  }

  private static Condition find(List<Condition> conditions, String type) {
    return conditions == null ? null : conditions.stream()
        .filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** Whether the condition had a True or False status before. */
  private static boolean wasKnown(List<Condition> before, String type) {
    return before != null && before.stream().anyMatch(b -> type.equals(b.getType())
        && (StatusConditions.TRUE.equals(b.getStatus())
            || StatusConditions.FALSE.equals(b.getStatus())));
  }

  /** Writes one Event; a failure is logged, never fails the reconcile. */
  public void record(MtaStsPolicy policy, String type, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    var meta = policy.getMetadata();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(new EventBuilder()
          .withNewMetadata()
          .withName(meta.getName() + "." + UUID.randomUUID().toString().replace("-", "")
              .substring(0, 16).toLowerCase(Locale.ROOT))
          .withNamespace(meta.getNamespace())
          .endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder()
              .withApiVersion(policy.getApiVersion())
              .withKind(policy.getKind())
              .withName(meta.getName())
              .withNamespace(meta.getNamespace())
              .withUid(meta.getUid())
              .withResourceVersion(meta.getResourceVersion())
              .build())
          .withType(type)
          .withReason(reason)
          .withMessage(message.length() > 1000 ? message.substring(0, 997) + "..." : message)
          .withFirstTimestamp(now)
          .withLastTimestamp(now)
          .withCount(1)
          .withNewSource()
          .withComponent(COMPONENT)
          .endSource()
          .withReportingComponent(COMPONENT)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.warn("Could not record event {} for {}/{}: {}", reason, meta.getNamespace(),
          meta.getName(), e.getMessage());
    }
  }
}
