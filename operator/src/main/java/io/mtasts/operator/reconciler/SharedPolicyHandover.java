package io.mtasts.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.SharedPolicy;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.PolicyParser;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hands a policy's bytes to a shared policy server through {@code status.shared}.
 *
 * <p>The operator writes the field before it probes the server, and advertises the id only once
 * every ready server endpoint answers with these bytes. The write is a merge patch of that one
 * field on the status subresource, so it neither needs nor disturbs the rest of the status that
 * the reconciler computes. Only bytes that parse as a valid policy are handed over: the server
 * trusts the field as it is.
 */
public final class SharedPolicyHandover {

  /** NAMESPACE/NAME, each a DNS-1123 label (namespace) or subdomain (name). */
  private static final Pattern SERVER_REF = Pattern.compile(
      "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private SharedPolicyHandover() {}

  /**
   * The field's value for serving {@code policyText} under {@code policyId}.
   *
   * @throws IllegalArgumentException naming the value that is not allowed
   */
  public static SharedPolicy of(String server, String domain, String policyId, String policyText) {
    if (server == null || !SERVER_REF.matcher(server).matches()) {
      throw new IllegalArgumentException("server '" + server + "' is not NAMESPACE/NAME in lower"
          + " case (for example mail/policy-server)");
    }
    if (domain == null || domain.isBlank()) {
      throw new IllegalArgumentException("domain is empty; the server needs the mail domain to"
          + " answer for mta-sts.<domain>");
    }
    if (policyId == null || policyId.isBlank()) {
      throw new IllegalArgumentException("policyId is empty; an id is allocated before the bytes"
          + " are handed over");
    }
    ParseResult<Policy> parsed = PolicyParser.parse(Objects.requireNonNullElse(policyText, ""));
    if (!parsed.isValid()) {
      throw new IllegalArgumentException("policy is not a valid MTA-STS policy: "
          + parsed.errors().stream().map(Object::toString).collect(Collectors.joining("; ")));
    }
    return new SharedPolicy(server, domain.toLowerCase(Locale.ROOT), policyId, policyText);
  }

  /** Whether the policy's status already holds exactly this value. */
  public static boolean isCurrent(MtaStsPolicy policy, SharedPolicy shared) {
    return policy.getStatus() != null && Objects.equals(policy.getStatus().getShared(), shared);
  }

  /**
   * Writes {@code shared} to the policy's status unless it holds it already.
   *
   * @return the policy as the API server returned it, or {@code policy} when nothing was written
   */
  public static MtaStsPolicy write(KubernetesClient client, MtaStsPolicy policy,
      SharedPolicy shared) {
    if (isCurrent(policy, shared)) {
      return policy;
    }
    ObjectNode status = JSON.createObjectNode();
    status.set("shared", JSON.valueToTree(shared));
    return patch(client, policy, status);
  }

  /** Removes the field, so no server serves the policy any more. */
  public static MtaStsPolicy clear(KubernetesClient client, MtaStsPolicy policy) {
    if (policy.getStatus() == null || policy.getStatus().getShared() == null) {
      return policy;
    }
    ObjectNode status = JSON.createObjectNode();
    status.putNull("shared");
    return patch(client, policy, status);
  }

  private static MtaStsPolicy patch(KubernetesClient client, MtaStsPolicy policy,
      ObjectNode status) {
    ObjectNode body = JSON.createObjectNode();
    body.set("status", status);
    return client.resources(MtaStsPolicy.class)
        .inNamespace(policy.getMetadata().getNamespace())
        .withName(policy.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), body.toString());
  }
}
