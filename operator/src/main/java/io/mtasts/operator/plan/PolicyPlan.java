package io.mtasts.operator.plan;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.mtasts.operator.api.v1alpha1.IssuerRef;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec;
import io.mtasts.operator.policy.Mode;
import io.mtasts.operator.policy.MxPattern;
import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.PolicyId;
import io.mtasts.operator.policy.StsRecord;
import io.mtasts.operator.policy.TlsRptRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything derived from one valid custom resource and the operator's settings: the policy
 * bytes, the id {@link PolicyIds} decides for them, the DNS records and the values of every
 * child. The dependents read from it, so
 * each derived value is computed in one place.
 */
public record PolicyPlan(
    MtaStsPolicy primary,
    String childName,
    Map<String, String> labels,
    String domain,
    Policy policy,
    byte[] policyBytes,
    String policyId,
    Optional<TlsRptRecord> tlsRpt,
    String image,
    int replicas,
    ResourceRequirements resources,
    String ingressClass,
    Map<String, String> ingressAnnotations,
    Map<String, String> ingressLabels,
    String tlsSecretName,
    Optional<IssuerRef> issuer,
    boolean externalDns,
    String webServerConfig,
    String podChecksum,
    PolicyExposure exposure) {

  /** Key of the plan in the per-reconcile context shared with the dependents. */
  public static final String CONTEXT_KEY = "mtasts.policyPlan";

  /**
   * The plan of a valid spec, or the problems of an invalid one: the spec is validated once, and
   * a plan exists only for a spec without problems.
   */
  public record Validated(List<String> problems, Optional<PolicyPlan> plan) {
    public Validated {
      problems = List.copyOf(problems);
    }
  }

  /**
   * Validates the spec and, when it has no problems, builds its plan, with the policy id
   * {@code ids} decides for its bytes.
   */
  public static Validated validate(MtaStsPolicy primary, PlanSettings settings, PolicyIds ids) {
    List<String> problems = SpecValidator.problems(primary.getSpec(), settings);
    return new Validated(problems,
        problems.isEmpty() ? Optional.of(build(primary, settings, ids)) : Optional.empty());
  }

  /**
   * Builds the plan of a spec already known to be valid; an invalid one is a programming error
   * here.
   */
  public static PolicyPlan of(MtaStsPolicy primary, PlanSettings settings, PolicyIds ids) {
    Validated validated = validate(primary, settings, ids);
    return validated.plan().orElseThrow(
        () -> new IllegalArgumentException("invalid spec: " + validated.problems()));
  }

  /**
   * The plan of a resource that has no status and no children yet, with the id it would be
   * allocated now.
   */
  public static PolicyPlan of(MtaStsPolicy primary, PlanSettings settings) {
    return of(primary, settings, PolicyIds.forNewResource(Instant.now()));
  }

  private static PolicyPlan build(MtaStsPolicy primary, PlanSettings settings, PolicyIds ids) {
    MtaStsPolicySpec spec = primary.getSpec();
    Policy policy = new Policy(
        Mode.fromToken(spec.effectiveMode().value()).orElseThrow(),
        spec.effectiveMx().stream().map(p -> MxPattern.parse(p).get()).toList(),
        spec.effectiveMaxAge());
    byte[] bytes = policy.renderBytes();
    String childName = ChildNames.of(primary);
    List<String> rua = PublishedRua.of(spec);
    String webServerConfig = WebServerConfig.render(WebServerConfig.Paths.inPod());
    var ingress = spec.getIngress();
    var tls = spec.getTls();
    var server = spec.getServer();
    String ingressClass = ingress != null && ingress.getClassName() != null
        ? ingress.getClassName() : settings.ingressClass();
    // the operator's default issuer only when the resource says nothing about its certificate:
    // it must never overwrite a Secret the user named
    Optional<IssuerRef> issuer;
    if (tls != null && tls.getIssuerRef() != null) {
      issuer = Optional.of(tls.getIssuerRef());
    } else if (tls != null && tls.getSecretName() != null) {
      issuer = Optional.empty();
    } else {
      issuer = settings.defaultIssuer();
    }
    String secretName = tls != null && tls.getSecretName() != null
        ? tls.getSecretName() : childName + "-tls";
    String image = server != null && server.getImage() != null
        ? server.getImage() : settings.webServerImage();
    ResourceRequirements resources = server != null && server.getResources() != null
        ? server.getResources() : null;
    String id = ids.decide(bytes).id();
    String checksum = PolicyId.of(
        (id + "\n" + webServerConfig).getBytes(StandardCharsets.UTF_8));
    return new PolicyPlan(
        primary,
        childName,
        ChildNames.labels(primary),
        spec.getDomain(),
        policy,
        bytes,
        id,
        rua.isEmpty() ? Optional.empty() : Optional.of(new TlsRptRecord(rua)),
        image,
        spec.effectiveReplicas(),
        resources,
        ingressClass,
        ingress != null && ingress.getAnnotations() != null ? ingress.getAnnotations() : Map.of(),
        ingress != null && ingress.getLabels() != null ? ingress.getLabels() : Map.of(),
        secretName,
        issuer,
        spec.effectiveExternalDns(),
        webServerConfig,
        checksum,
        PolicyExposure.of(spec.getExposure() != null ? spec.getExposure()
            : settings.gatewayApi().defaultExposure().orElse(null),
            primary.getMetadata().getNamespace()));
  }

  /** {@code mta-sts.<domain>}: the host that serves the policy. */
  public String policyHost() {
    return "mta-sts." + domain;
  }

  /**
   * Whether the Ingress uses a Secret the resource names and no issuer fills: one managed outside
   * the operator, which must already hold the certificate.
   */
  public boolean usesExistingSecret() {
    var tls = primary.getSpec().getTls();
    return issuer.isEmpty() && tls != null && tls.getSecretName() != null;
  }

  /** The shared server that serves this policy; empty when it has a web server of its own. */
  public Optional<SharedServerName> sharedServer() {
    return SharedServerName.of(primary);
  }

  public String policyUrl() {
    return "https://" + policyHost() + WebServerConfig.POLICY_PATH;
  }

  public String policyText() {
    return new String(policyBytes, StandardCharsets.US_ASCII);
  }

  public String namespace() {
    return primary.getMetadata().getNamespace();
  }

  /** The TXT records the domain must publish, with the given advertised policy id. */
  public List<DnsRecordValue> dnsRecords(String advertisedId) {
    var records = new ArrayList<DnsRecordValue>();
    if (advertisedId != null) {
      records.add(new DnsRecordValue(StsRecord.dnsName(domain),
          new StsRecord(advertisedId).render()));
    }
    tlsRpt.ifPresent(r -> records.add(new DnsRecordValue(TlsRptRecord.dnsName(domain),
        r.render())));
    return records;
  }

  /** A TXT record to publish. */
  public record DnsRecordValue(String name, String value) {}

  @Override
  public String toString() {
    return "PolicyPlan{" + childName + ", id=" + policyId + "}";
  }
}
