package io.mtasts.operator.plan;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.PolicyServerRef;
import io.mtasts.operator.policy.PolicyId;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where and under which names a policy served by a shared MtaStsPolicyServer is exposed: its
 * Ingress and cert-manager Certificate live in the SERVER's namespace, because an Ingress backend
 * names a Service of its own namespace only, and the Ingress's TLS Secret must sit beside it.
 *
 * <p>Owner references cannot cross namespaces, so these objects carry the policy's namespace,
 * name and uid and the server's name in labels; they are recognised as the policy's by the uid
 * label alone. They deliberately do not carry the {@code app.kubernetes.io/managed-by} label of
 * the dedicated children: the dedicated children's informers select by it and map an object to
 * its policy through the owner reference, which a shared host has when policy and server share a
 * namespace, and the dedicated workflow would then take it for the policy's own Ingress.
 *
 * @param serverNamespace namespace of the server, where the objects live
 * @param serverName name of the MtaStsPolicyServer
 * @param name name of the Ingress and Certificate
 * @param secretName the TLS Secret the Ingress uses (and the Certificate fills)
 */
public record SharedHost(String serverNamespace, String serverName, String name,
    String secretName) {

  public static final String POLICY_NAMESPACE_LABEL = "mtasts.io/policy-namespace";
  public static final String POLICY_NAME_LABEL = "mtasts.io/policy-name";
  public static final String POLICY_UID_LABEL = "mtasts.io/policy-uid";
  public static final String SERVER_LABEL = "mtasts.io/server";
  public static final String CREATED_BY_LABEL = "app.kubernetes.io/created-by";
  public static final String CREATED_BY = ChildNames.MANAGED_BY;
  public static final String NAME_LABEL_VALUE = "mta-sts-shared-host";
  /** Selects every shared host the operator made. */
  public static final String SELECTOR = CREATED_BY_LABEL + "=" + CREATED_BY + ","
      + ChildNames.NAME_LABEL + "=" + NAME_LABEL_VALUE;

  private static final int MAX_LABEL = 63;
  /** Room for "-tls" within the 253 characters of an object name. */
  private static final int MAX_NAME = 249;
  private static final String PREFIX = "mta-sts.";

  /** The shared host of a policy that names a server in spec.server.ref; empty otherwise. */
  public static Optional<SharedHost> of(PolicyPlan plan) {
    return of(plan.primary());
  }

  public static Optional<SharedHost> of(MtaStsPolicy policy) {
    return serverRef(policy).map(ref -> {
      String namespace = policy.getMetadata().getNamespace();
      String name = name(namespace, policy.getMetadata().getName());
      var tls = policy.getSpec().getTls();
      // a Secret the resource names is looked for beside the Ingress, in the server's namespace
      String secret = tls != null && tls.getSecretName() != null
          ? tls.getSecretName() : name + "-tls";
      return new SharedHost(ref.effectiveNamespace(namespace), ref.getName(), name, secret);
    });
  }

  /** Whether the plan's policy is served by a shared server. */
  public static boolean applies(PolicyPlan plan) {
    return serverRef(plan.primary()).isPresent();
  }

  static Optional<PolicyServerRef> serverRef(MtaStsPolicy policy) {
    var spec = policy.getSpec();
    if (spec == null || spec.getServer() == null || spec.getServer().getRef() == null
        || spec.getServer().getRef().getName() == null) {
      return Optional.empty();
    }
    return Optional.of(spec.getServer().getRef());
  }

  /**
   * {@code mta-sts.<policy namespace>.<policy name>}: unique within the server's namespace for
   * every policy of the cluster, and readable. Object names of Ingresses, Certificates and
   * Secrets may hold dots; one too long ends in a hash instead.
   */
  static String name(String policyNamespace, String policyName) {
    String name = PREFIX + policyNamespace + "." + policyName;
    if (name.length() <= MAX_NAME) {
      return name;
    }
    String hash = hash(name);
    String head = name.substring(0, MAX_NAME - hash.length() - 1);
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }

  /** The value of {@link #SERVER_LABEL} for a server name: a label value is at most 63. */
  public static String serverLabelValue(String serverName) {
    return labelValue(serverName);
  }

  /** The labels that tie a shared host to its policy and server. */
  public Map<String, String> labels(MtaStsPolicy policy) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(CREATED_BY_LABEL, CREATED_BY);
    labels.put(ChildNames.NAME_LABEL, NAME_LABEL_VALUE);
    labels.put(POLICY_NAMESPACE_LABEL, policy.getMetadata().getNamespace());
    labels.put(POLICY_NAME_LABEL, labelValue(policy.getMetadata().getName()));
    labels.put(POLICY_UID_LABEL, String.valueOf(policy.getMetadata().getUid()));
    labels.put(SERVER_LABEL, serverLabelValue(serverName));
    return labels;
  }

  /** Whether an object found at this host's name is the policy's (its uid label matches). */
  public static boolean belongsTo(HasMetadata object, String policyUid) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return policyUid != null && labels != null
        && policyUid.equals(labels.get(POLICY_UID_LABEL))
        && CREATED_BY.equals(labels.get(CREATED_BY_LABEL));
  }

  /**
   * The policy's Ingress, as the dedicated one but in the server's namespace, with the server's
   * Service as its backend; {@code serviceName} and {@code servicePort} are the server Service's.
   */
  public Ingress ingress(PolicyPlan plan, String serviceName, int servicePort) {
    Ingress ingress = DesiredChildren.ingress(plan);
    Map<String, String> labels = new LinkedHashMap<>(plan.ingressLabels());
    labels.putAll(labels(plan.primary()));
    ingress.setMetadata(metadata(plan.primary(), labels));
    ingress.getMetadata().setAnnotations(new LinkedHashMap<>(plan.ingressAnnotations()));
    ingress.getSpec().getTls().get(0).setSecretName(secretName);
    var backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend();
    backend.getService().setName(serviceName);
    backend.getService().getPort().setNumber(servicePort);
    return ingress;
  }

  /** The policy's Certificate, as the dedicated one but in the server's namespace. */
  public Certificate certificate(PolicyPlan plan) {
    Certificate certificate = DesiredChildren.certificate(plan);
    certificate.setMetadata(metadata(plan.primary(), labels(plan.primary())));
    certificate.getSpec().setSecretName(secretName);
    return certificate;
  }

  /**
   * Name, namespace and labels; an owner reference only when policy and server share a
   * namespace, the one case in which it is valid (then garbage collection removes the objects
   * with the policy too).
   */
  private ObjectMeta metadata(MtaStsPolicy policy, Map<String, String> labels) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(serverNamespace);
    meta.setLabels(labels);
    if (serverNamespace.equals(policy.getMetadata().getNamespace())
        && policy.getMetadata().getUid() != null) {
      meta.setOwnerReferences(List.of(new OwnerReferenceBuilder()
          .withApiVersion(HasMetadata.getApiVersion(MtaStsPolicy.class))
          .withKind(HasMetadata.getKind(MtaStsPolicy.class))
          .withName(policy.getMetadata().getName())
          .withUid(policy.getMetadata().getUid())
          .build()));
    }
    return meta;
  }

  /** {@code namespace/name} of this host's objects, for messages. */
  public String describe() {
    return serverNamespace + "/" + name;
  }

  private static String labelValue(String value) {
    if (value.length() <= MAX_LABEL) {
      return value;
    }
    return value.substring(0, MAX_LABEL - 9).replaceAll("[-._]+$", "") + "-" + hash(value);
  }

  private static String hash(String value) {
    return PolicyId.of(value.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
  }
}
