package io.mtasts.operator.plan;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mtasts.operator.policy.PolicyId;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The names and labels of the objects the operator creates for one policy: one place, so the
 * dependents, the conflict check and the informers' label selector agree.
 */
public final class ChildNames {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "mta-sts-operator";
  public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String NAME = "mta-sts";
  /** Every informer of a child kind watches only objects with this label. */
  public static final String SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

  private static final int MAX_NAME = 63;
  private static final String PREFIX = "mta-sts-";

  private ChildNames() {}

  /**
   * The name shared by all children of a policy: {@code mta-sts-<cr name>}. A name with dots, or
   * one too long for a DNS label (Service names are at most 63 characters), gets dashes and a
   * hash suffix instead.
   */
  public static String of(HasMetadata primary) {
    String crName = primary.getMetadata().getName();
    String name = PREFIX + crName.replace('.', '-');
    // a dot is fine in a resource name but not in a Service name; the hash keeps
    // "example.com" and "example-com" apart
    if (name.length() <= MAX_NAME && !crName.contains(".")) {
      return name;
    }
    String hash = PolicyId.of(crName.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    if (name.length() + hash.length() + 1 <= MAX_NAME) {
      return name + "-" + hash;
    }
    String head = name.substring(0, MAX_NAME - hash.length() - 1);
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }

  /** The labels on every child; the pod selector uses the same set. */
  public static Map<String, String> labels(HasMetadata primary) {
    return Map.of(
        MANAGED_BY_LABEL, MANAGED_BY,
        NAME_LABEL, NAME,
        INSTANCE_LABEL, truncateLabelValue(primary.getMetadata().getName()));
  }

  private static String truncateLabelValue(String value) {
    if (value.length() <= MAX_NAME) {
      return value;
    }
    String hash = PolicyId.of(value.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    return value.substring(0, MAX_NAME - 9).replaceAll("[-._]+$", "") + "-" + hash;
  }
}
