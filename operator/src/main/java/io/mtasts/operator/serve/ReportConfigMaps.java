package io.mtasts.operator.serve;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The hand-over of received TLS reports from a shared server to the operator: one ConfigMap per
 * policy in the server's own namespace, named after the policy's uid and labelled with it, holding
 * the policy's {@link ReceivedReports} as JSON. The server writes it; the operator only reads it.
 */
public final class ReportConfigMaps {

  /** Marks a ConfigMap as received reports; the operator watches this label. */
  public static final String LABEL = "mtasts.io/tlsrpt-reports";
  public static final String POLICY_NAMESPACE_LABEL = "mtasts.io/policy-namespace";
  public static final String POLICY_NAME_LABEL = "mtasts.io/policy-name";
  public static final String POLICY_UID_LABEL = "mtasts.io/policy-uid";
  /** NAMESPACE/NAME of the policy, in full (a label value is cut at 63 characters). */
  public static final String POLICY_ANNOTATION = "mtasts.io/policy";
  public static final String DATA_KEY = "reports.json";
  /** How long a report counts towards the status summary and is remembered for deduplication. */
  public static final Duration WINDOW = Duration.ofDays(7);
  /** Reports kept per policy; older ones only add to the totals (keeps a ConfigMap < 1 MiB). */
  public static final int MAX_REPORTS = 1000;

  private ReportConfigMaps() {}

  public static String name(String policyUid) {
    return "tlsrpt-" + policyUid;
  }

  /** The ConfigMap of a policy's reports. */
  public static ConfigMap build(String namespace, String policyKey, String policyUid,
      ReceivedReports reports) {
    String[] parts = policyKey.split("/", 2);
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name(policyUid))
        .withNamespace(namespace)
        .withLabels(Map.of(
            LABEL, "true",
            POLICY_NAMESPACE_LABEL, parts[0],
            POLICY_NAME_LABEL, labelValue(parts.length > 1 ? parts[1] : ""),
            POLICY_UID_LABEL, policyUid))
        .withAnnotations(Map.of(POLICY_ANNOTATION, policyKey))
        .endMetadata()
        .withData(Map.of(DATA_KEY, reports.toJson()))
        .build();
  }

  /** The reports a ConfigMap holds; empty when it holds none or not in a form this reads. */
  public static Optional<ReceivedReports> read(ConfigMap map) {
    String json = map == null || map.getData() == null ? null : map.getData().get(DATA_KEY);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ReceivedReports.fromJson(json));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static String labelValue(String value) {
    if (value.length() <= 63) {
      return value;
    }
    return value.substring(0, 63).replaceAll("[-._]+$", "");
  }
}
