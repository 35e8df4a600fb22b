package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.mtasts.operator.api.externaldns.DNSEndpoint;
import io.mtasts.operator.api.v1alpha1.CertificateStatus;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.DnsRecord;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one {@link MtaStsPolicy} into its served policy and reports status: validates the spec,
 * refuses to touch objects it does not own, runs the workflow of children, and advertises a new
 * policy id only once the web server serves exactly the new bytes.
 */
@ControllerConfiguration(
    name = MtaStsPolicyReconciler.NAME,
    // generations alone would miss the pause annotation; the filter decides instead
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SpecOrPauseChanged.class))
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "configmap", type = PolicyConfigMapDependent.class),
      @Dependent(name = "service", type = PolicyServiceDependent.class),
      @Dependent(
          name = "deployment",
          type = PolicyDeploymentDependent.class,
          dependsOn = {"configmap"},
          readyPostcondition = PolicyServedCondition.class),
      @Dependent(name = "ingress", type = PolicyIngressDependent.class, dependsOn = {"service"}),
      @Dependent(
          name = "certificate",
          type = PolicyCertificateDependent.class,
          activationCondition = PolicyCertificateDependent.CertManagerInstalled.class,
          reconcilePrecondition = PolicyCertificateDependent.IssuerConfigured.class),
      @Dependent(
          name = "dnsendpoint",
          type = PolicyDnsEndpointDependent.class,
          dependsOn = {"deployment", "service"},
          activationCondition = PolicyDnsEndpointDependent.ExternalDnsInstalled.class,
          reconcilePrecondition = PolicyDnsEndpointDependent.ExternalDnsRequested.class)
    })
public class MtaStsPolicyReconciler implements Reconciler<MtaStsPolicy> {

  public static final String NAME = "mtastspolicy";
  public static final String PAUSED_ANNOTATION = "mtasts.io/paused";

  private static final Logger LOG = LoggerFactory.getLogger(MtaStsPolicyReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final ReconcilerSettings settings;
  private final ServedPolicyProbe probe;
  private final CrdPresence crds;
  private final PolicyEvents events;
  private final Clock clock;

  public MtaStsPolicyReconciler(
      ReconcilerSettings settings,
      ServedPolicyProbe probe,
      CrdPresence crds,
      PolicyEvents events,
      Clock clock) {
    this.settings = settings;
    this.probe = probe;
    this.crds = crds;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public UpdateControl<MtaStsPolicy> reconcile(
      MtaStsPolicy policy, Context<MtaStsPolicy> context) {
    MtaStsPolicyStatus before = policy.getStatus();
    MtaStsPolicyStatus status = before == null
        ? new MtaStsPolicyStatus() : SERIALIZATION.clone(before);
    long generation = Objects.requireNonNullElse(policy.getMetadata().getGeneration(), 0L);
    StatusConditions conditions =
        new StatusConditions(status.getConditions(), generation, clock.instant());

    Outcome outcome = decide(policy, context, status, conditions);

    status.setConditions(conditions.toList());
    status.setObservedGeneration(generation);
    UpdateControl<MtaStsPolicy> control;
    if (status.equals(before)) {
      control = UpdateControl.noUpdate();
    } else {
      events.recordTransitions(policy, before == null ? null : before.getConditions(),
          status.getConditions());
      policy.setStatus(status);
      control = UpdateControl.patchStatus(policy);
    }
    if (outcome.recheck()) {
      control.rescheduleAfter(settings.rolloutRecheck());
    }
    return control;
  }

  /** What a reconcile found, beyond the status it wrote. */
  private record Outcome(boolean recheck) {}

  private Outcome decide(
      MtaStsPolicy policy, Context<MtaStsPolicy> context, MtaStsPolicyStatus status,
      StatusConditions conditions) {
    String name = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    if (isPaused(policy)) {
      conditions.set(ConditionTypes.PAUSED, true, "PausedByAnnotation", "the annotation "
          + PAUSED_ANNOTATION + "=\"true\" is set: nothing is changed; remove it to resume");
      return new Outcome(false);
    }
    if (conditions.find(ConditionTypes.PAUSED).isPresent()) {
      conditions.set(ConditionTypes.PAUSED, false, "Resumed",
          "the annotation " + PAUSED_ANNOTATION + " was removed; reconciling again");
    }

    List<String> problems = SpecValidator.problems(policy.getSpec());
    if (!problems.isEmpty()) {
      LOG.info("{}: invalid spec, children left unchanged: {}", name, problems);
      conditions.set(ConditionTypes.READY, false, "InvalidSpec", String.join("; ", problems)
          + ". Nothing was changed; the previously served policy stays in place");
      return new Outcome(false);
    }

    PolicyPlan plan = PolicyPlan.of(policy, settings);
    status.setPolicyUrl(plan.policyUrl());
    boolean certificateWanted =
        plan.issuer().isPresent() && crds.isInstalled(CrdPresence.CERTIFICATES);
    boolean dnsEndpointWanted =
        plan.externalDns() && crds.isInstalled(CrdPresence.DNS_ENDPOINTS);
    List<Class<? extends HasMetadata>> kinds = new ArrayList<>(
        List.of(ConfigMap.class, Service.class, Deployment.class, Ingress.class));
    if (certificateWanted) {
      kinds.add(Certificate.class);
    }
    if (dnsEndpointWanted) {
      kinds.add(DNSEndpoint.class);
    }
    Optional<String> conflict = ConflictCheck.find(plan, context, kinds);
    if (conflict.isPresent()) {
      LOG.info("{}: conflict: {}", name, conflict.get());
      conditions.set(ConditionTypes.READY, false, "Conflict", conflict.get());
      return new Outcome(true);
    }

    new ReconcileScope(plan, probe, crds).putInto(context);
    WorkflowReconcileResult result =
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    boolean served = reportServed(name, plan, result, status, conditions);
    reportCertificate(plan, context, status, conditions);
    reportReady(plan, status, conditions);
    return new Outcome(!served);
  }

  private boolean reportServed(
      String name, PolicyPlan plan, WorkflowReconcileResult result, MtaStsPolicyStatus status,
      StatusConditions conditions) {
    Optional<String> waiting = result.getNotReadyDependents().stream()
        .filter(d -> d instanceof PolicyDeploymentDependent)
        .findFirst()
        .map(d -> result.getNotReadyDependentResult(d, String.class)
            .orElse("the web server is not ready"));
    if (waiting.isEmpty()) {
      if (!plan.policyId().equals(status.getPolicyId())) {
        LOG.info("{}: policy {} is served; advertising its id (was {})", name,
            plan.policyId(), status.getPolicyId());
      }
      status.setPolicyId(plan.policyId());
      status.setPolicy(plan.policyText());
      conditions.set(ConditionTypes.POLICY_SERVED, true, "Served", "policy " + plan.policyId()
          + " is served by the web server; publish the DNS records in status.dnsRecords");
    } else {
      String previous = status.getPolicyId();
      conditions.set(ConditionTypes.POLICY_SERVED, false, "RollingOut", waiting.get()
          + (previous == null ? "; no policy id is advertised yet"
              : "; policy id " + previous + " stays advertised until the new one is served"));
    }
    List<DnsRecord> records = plan.dnsRecords(status.getPolicyId()).stream()
        .map(r -> new DnsRecord(r.name(), "TXT", r.value()))
        .toList();
    // absent rather than empty, as the API server stores it
    status.setDnsRecords(records.isEmpty() ? null : records);
    return waiting.isEmpty();
  }

  private void reportCertificate(
      PolicyPlan plan, Context<MtaStsPolicy> context, MtaStsPolicyStatus status,
      StatusConditions conditions) {
    String secret = plan.tlsSecretName();
    if (plan.issuer().isPresent()) {
      String issuer = plan.issuer().get().effectiveKind().value() + "/"
          + plan.issuer().get().getName();
      if (!crds.isInstalled(CrdPresence.CERTIFICATES)) {
        status.setCertificate(new CertificateStatus(secret, null, false));
        conditions.set(ConditionTypes.CERTIFICATE_READY, false, "CertManagerNotInstalled",
            "spec.tls.issuerRef names " + issuer + " but cert-manager is not installed; install"
                + " cert-manager, or remove spec.tls.issuerRef and set spec.tls.secretName to an"
                + " existing TLS Secret");
        return;
      }
      Optional<Certificate> certificate = context.getSecondaryResource(Certificate.class);
      var ready = certificate
          .map(Certificate::getStatus)
          .flatMap(s -> Optional.ofNullable(s.getConditions()).orElse(List.of()).stream()
              .filter(c -> "Ready".equals(c.getType()))
              .findFirst());
      String notAfter = certificate.map(Certificate::getStatus)
          .map(s -> s.getNotAfter()).orElse(null);
      boolean isReady = ready.map(c -> "True".equals(c.getStatus())).orElse(false);
      status.setCertificate(new CertificateStatus(secret, notAfter, isReady));
      if (isReady) {
        conditions.set(ConditionTypes.CERTIFICATE_READY, true, "Issued", "cert-manager issued"
            + " the certificate for " + plan.policyHost() + " into Secret " + secret
            + (notAfter == null ? "" : ", valid until " + notAfter));
      } else {
        conditions.set(ConditionTypes.CERTIFICATE_READY, false, "Issuing",
            "waiting for cert-manager to issue the certificate for " + plan.policyHost()
                + " from " + issuer + ready.map(c -> ": " + c.getMessage()).orElse("")
                + "; see kubectl describe certificate " + plan.childName());
      }
      return;
    }
    if (plan.primary().getSpec().getTls() != null
        && plan.primary().getSpec().getTls().getSecretName() != null) {
      status.setCertificate(new CertificateStatus(secret, null, null));
      conditions.set(ConditionTypes.CERTIFICATE_READY, true, "ExistingSecret",
          "the Ingress uses the existing Secret " + secret + ", which is managed outside the"
              + " operator; the live verification checks the certificate it presents");
      return;
    }
    status.setCertificate(null);
    conditions.set(ConditionTypes.CERTIFICATE_READY, false, "NoCertificateSource",
        "nothing provides a certificate for " + plan.policyHost() + "; set spec.tls.issuerRef"
            + " (cert-manager) or spec.tls.secretName (an existing TLS Secret)");
  }

  private void reportReady(
      PolicyPlan plan, MtaStsPolicyStatus status, StatusConditions conditions) {
    for (String type : List.of(ConditionTypes.POLICY_SERVED, ConditionTypes.CERTIFICATE_READY)) {
      if (!conditions.isTrue(type)) {
        var failing = conditions.find(type).orElseThrow();
        conditions.set(ConditionTypes.READY, false, failing.getReason(), failing.getMessage());
        return;
      }
    }
    conditions.set(ConditionTypes.READY, true, "Ready", "policy " + status.getPolicyId()
        + " is served at " + plan.policyUrl());
  }

  private static boolean isPaused(MtaStsPolicy policy) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(PAUSED_ANNOTATION));
  }

  @Override
  public ErrorStatusUpdateControl<MtaStsPolicy> updateErrorStatus(
      MtaStsPolicy policy, Context<MtaStsPolicy> context, Exception e) {
    MtaStsPolicyStatus before = policy.getStatus();
    MtaStsPolicyStatus status = before == null
        ? new MtaStsPolicyStatus() : SERIALIZATION.clone(before);
    long generation = Objects.requireNonNullElse(policy.getMetadata().getGeneration(), 0L);
    StatusConditions conditions =
        new StatusConditions(status.getConditions(), generation, clock.instant());
    conditions.set(ConditionTypes.READY, false, "ReconcileError",
        "applying the children failed and is retried: " + rootMessage(e));
    status.setConditions(conditions.toList());
    if (status.equals(before)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    events.recordTransitions(policy, before == null ? null : before.getConditions(),
        status.getConditions());
    policy.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(policy);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
