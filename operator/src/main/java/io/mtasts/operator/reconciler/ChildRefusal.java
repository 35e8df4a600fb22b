package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import java.util.Locale;
import java.util.Optional;

/**
 * The API server's refusal to store a child: which child, the stable reason users filter on, and
 * the API server's own words. Only answers the API server gave count: a timeout, a dropped
 * connection or a bug in the operator is not a refusal and keeps JOSDK's retry and stack trace.
 *
 * @param reason one of {@link ConditionReasons#QUOTA_EXCEEDED},
 *     {@link ConditionReasons#ADMISSION_DENIED}, {@link ConditionReasons#CHILD_REFUSED}
 * @param kind the child's kind, e.g. {@code Service}
 * @param name the child's name
 * @param code the HTTP status code of the answer
 * @param apiMessage the message of the API server's {@code Status}
 */
public record ChildRefusal(String reason, String kind, String name, int code, String apiMessage) {

  /**
   * The refusal {@code error} carries, when it (or one of its causes) is an answer of the API
   * server: any 4xx but a conflict (409, a race another attempt resolves) and throttling (429),
   * or a 5xx with a {@code Status} message (such as a full Service IP range). {@code kind} and
   * {@code name} say which child was being written.
   */
  public static Optional<ChildRefusal> of(String kind, String name, Throwable error) {
    KubernetesClientException api = apiAnswer(error);
    if (api == null) {
      return Optional.empty();
    }
    int code = api.getCode();
    Status status = api.getStatus();
    String message = status == null || blank(status.getMessage()) ? null : status.getMessage();
    boolean clientSide = code >= 400 && code < 500 && code != 409 && code != 429;
    boolean serverSide = code >= 500 && message != null;
    if (!clientSide && !serverSide) {
      return Optional.empty();
    }
    if (message == null) {
      message = blank(api.getMessage()) ? "HTTP " + code : api.getMessage();
    }
    return Optional.of(new ChildRefusal(reasonFor(code, message), kind, name, code, message));
  }

  /**
   * The reason the answer tells: the wording of quota admission and of admission webhooks and
   * ValidatingAdmissionPolicies is part of the API server's behaviour, and the status code alone
   * does not separate them (both answer 403, a policy may answer 422).
   */
  static String reasonFor(int code, String message) {
    String text = message.toLowerCase(Locale.ROOT);
    if (code == 403 && (text.contains("exceeded quota") || text.contains("failed quota"))) {
      return ConditionReasons.QUOTA_EXCEEDED;
    }
    if (code >= 400 && code < 500 && (text.contains("admission webhook")
        || text.contains("validatingadmissionpolicy") || text.contains("denied request")
        || text.contains("denied the request"))) {
      return ConditionReasons.ADMISSION_DENIED;
    }
    return ConditionReasons.CHILD_REFUSED;
  }

  private static KubernetesClientException apiAnswer(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return k;
      }
    }
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** Which child and why, in the API server's words; the same for every retry. */
  public String describe() {
    return "the API server refused " + kind + " " + name + " (HTTP " + code + "): " + apiMessage;
  }
}
