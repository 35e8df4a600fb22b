package io.mtasts.operator.reconciler;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
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
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.mtasts.operator.api.v1alpha1.KubeDuration;
import io.mtasts.operator.policy.PolicyParser;
import io.mtasts.operator.verify.Expectations;
import io.mtasts.operator.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
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
public class MtaStsPolicyReconciler implements Reconciler<MtaStsPolicy>, AutoCloseable {

  public static final String NAME = "mtastspolicy";
  public static final String PAUSED_ANNOTATION = "mtasts.io/paused";

  private static final Logger LOG = LoggerFactory.getLogger(MtaStsPolicyReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final ReconcilerSettings settings;
  private final ServedPolicyProbe probe;
  private final CrdPresence crds;
  private final PolicyEvents events;
  private final Clock clock;
  private final SimpleInboundEventSource<MtaStsPolicy> verificationDone =
      new SimpleInboundEventSource<>("verification");
  private final VerificationScheduler verifications;
  private final PolicyMetrics metrics;
  private volatile Instant lastPrune = Instant.EPOCH;

  public MtaStsPolicyReconciler(
      ReconcilerSettings settings,
      ServedPolicyProbe probe,
      CrdPresence crds,
      PolicyEvents events,
      Clock clock,
      DomainVerifier verifier,
      int verifyConcurrency,
      PolicyMetrics metrics) {
    this.settings = settings;
    this.probe = probe;
    this.crds = crds;
    this.events = events;
    this.clock = clock;
    this.metrics = metrics;
    this.verifications = new VerificationScheduler(
        verifier, verifyConcurrency, clock, verificationDone::propagateEvent);
  }

  @Override
  public List<EventSource<?, MtaStsPolicy>> prepareEventSources(
      EventSourceContext<MtaStsPolicy> context) {
    return List.of(verificationDone);
  }

  @Override
  public void close() {
    verifications.close();
  }

  @Override
  public UpdateControl<MtaStsPolicy> reconcile(
      MtaStsPolicy policy, Context<MtaStsPolicy> context) {
    Outcome outcome = updateStatus(policy, context, (status, conditions) -> {
      Outcome decided = decide(policy, context, status, conditions);
      status.setObservedGeneration(generationOf(policy));
      return decided;
    });
    UpdateControl<MtaStsPolicy> control = UpdateControl.noUpdate();
    outcome.next().ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * The one way status changes: {@code change} works on a copy of the current status and its
   * conditions; the copy is written, and Events recorded for its transitions, only when it
   * differs from what is stored.
   */
  private <T> T updateStatus(MtaStsPolicy policy, Context<MtaStsPolicy> context,
      BiFunction<MtaStsPolicyStatus, StatusConditions, T> change) {
    MtaStsPolicyStatus before = policy.getStatus();
    MtaStsPolicyStatus status = before == null
        ? new MtaStsPolicyStatus() : SERIALIZATION.clone(before);
    StatusConditions conditions =
        new StatusConditions(status.getConditions(), generationOf(policy), clock.instant());
    T result = change.apply(status, conditions);
    status.setConditions(conditions.toList());
    if (!status.equals(before)) {
      writeStatus(policy, status, context);
      events.recordTransitions(policy, before == null ? null : before.getConditions(),
          status.getConditions());
    }
    return result;
  }

  private static long generationOf(MtaStsPolicy policy) {
    return Objects.requireNonNullElse(policy.getMetadata().getGeneration(), 0L);
  }

  /**
   * Writes status (with the resourceVersion read, retried on a conflict) and puts the API
   * server's answer into JOSDK's cache of policies. A status patched through UpdateControl is not
   * cached: a reconcile that follows at once, such as the one a finished verification asks for,
   * would start from the informer's older copy, write the same status again and repeat its Events
   * (and, with JSON patches, apply a list insertion twice).
   */
  private static void writeStatus(
      MtaStsPolicy policy, MtaStsPolicyStatus status, Context<MtaStsPolicy> context) {
    boolean ssa = context.getControllerConfiguration().getConfigurationService()
        .useSSAToPatchPrimaryResource();
    if (ssa) {
      MtaStsPolicy applied = new MtaStsPolicy();
      applied.setMetadata(new ObjectMetaBuilder()
          .withName(policy.getMetadata().getName())
          .withNamespace(policy.getMetadata().getNamespace())
          .build());
      applied.setStatus(status);
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(policy, applied, context);
    } else {
      // a whole replacement: API servers without server-side apply (the mock server of tests and
      // the demo) merge lists of a merge patch instead of replacing them
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(policy, context, p -> {
        p.setStatus(status);
        return p;
      });
    }
  }

  /** What a reconcile found, beyond the status it wrote: when to look again, if at all. */
  private record Outcome(Optional<Duration> next) {
    static final Outcome DONE = new Outcome(Optional.empty());

    static Outcome after(Duration d) {
      return new Outcome(Optional.of(d));
    }

    Outcome sooner(Optional<Duration> other) {
      if (other.isEmpty()) {
        return this;
      }
      if (next.isEmpty() || other.get().compareTo(next.get()) < 0) {
        return new Outcome(other);
      }
      return this;
    }
  }

  private Outcome decide(
      MtaStsPolicy policy, Context<MtaStsPolicy> context, MtaStsPolicyStatus status,
      StatusConditions conditions) {
    String name = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    if (isPaused(policy)) {
      conditions.set(ConditionTypes.PAUSED, true, "PausedByAnnotation", "the annotation "
          + PAUSED_ANNOTATION + "=\"true\" is set: nothing is changed; remove it to resume");
      return Outcome.DONE;
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
      return Outcome.DONE;
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
      return Outcome.after(settings.rolloutRecheck());
    }

    new ReconcileScope(plan, probe, crds).putInto(context);
    WorkflowReconcileResult result =
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    boolean served = reportServed(name, plan, result, status, conditions);
    reportCertificate(plan, context, status, conditions);
    Optional<Duration> verifyAgain = reportVerification(policy, plan, context, status, conditions);
    reportReady(plan, status, conditions);
    return (served ? Outcome.DONE : Outcome.after(settings.rolloutRecheck()))
        .sooner(verifyAgain);
  }

  /**
   * Asks for a live verification when it is due and writes the latest one to status. It judges
   * what is advertised: the id and bytes in status, never a policy still rolling out. Returns
   * when to look again.
   */
  private Optional<Duration> reportVerification(
      MtaStsPolicy policy, PolicyPlan plan, Context<MtaStsPolicy> context,
      MtaStsPolicyStatus status, StatusConditions conditions) {
    ResourceID id = ResourceID.fromResource(policy);
    pruneDeleted(context);
    if (!policy.getSpec().effectiveVerificationEnabled()) {
      status.setChecks(null);
      conditions.remove(ConditionTypes.DNS_RECORDS_VERIFIED).remove(ConditionTypes.VERIFIED);
      return Optional.empty();
    }
    if (status.getPolicyId() == null) {
      // nothing is advertised yet, so nothing can be published or checked: a verification now
      // would only report the records the user has not been told to publish
      VerificationStatus.pending(conditions);
      return Optional.empty();
    }
    Duration interval = verificationInterval(policy);
    Expectations.Builder expected = Expectations.builder();
    expected.id(status.getPolicyId());
    byte[] served = status.getPolicy().getBytes(StandardCharsets.US_ASCII);
    expected.policyBytes(served);
    PolicyParser.parse(served).value().ifPresent(expected::policy);
    plan.tlsRpt().ifPresent(r -> expected.tlsRptRecord(r.render()));
    Expectations expectations = expected.build();
    Object key = List.of(policy.getMetadata().getGeneration(), expectations);
    verifications.requestIfDue(id, key, plan.domain(), expectations, interval);

    Optional<VerificationScheduler.Outcome> latest = verifications.latest(id)
        .filter(o -> o.key().equals(key));
    if (latest.isEmpty()) {
      VerificationStatus.pending(conditions);
      return Optional.of(interval);
    }
    VerificationReport report = latest.get().report();
    status.setChecks(VerificationStatus.checks(report, status.getChecks()));
    VerificationStatus.conditions(report, conditions);
    metrics.record(id, report);
    Duration untilDue = Duration.between(clock.instant(), latest.get().nextDue());
    return Optional.of(untilDue.isNegative() ? Duration.ofSeconds(1) : untilDue);
  }

  private Duration verificationInterval(MtaStsPolicy policy) {
    var verification = policy.getSpec().getVerification();
    return verification != null && verification.getInterval() != null
        ? KubeDuration.parse(verification.getInterval()) : settings.verifyInterval();
  }

  /** Drops verification results and gauges of deleted policies, at most once a minute. */
  private void pruneDeleted(Context<MtaStsPolicy> context) {
    Instant now = clock.instant();
    if (Duration.between(lastPrune, now).compareTo(Duration.ofMinutes(1)) < 0) {
      return;
    }
    lastPrune = now;
    var cache = context.getPrimaryCache();
    verifications.retainOnly(id -> cache.get(id).isPresent());
    metrics.retainOnly(id -> cache.get(id).isPresent());
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
    for (String type : List.of(ConditionTypes.POLICY_SERVED, ConditionTypes.CERTIFICATE_READY,
        ConditionTypes.VERIFIED)) {
      var condition = conditions.find(type);
      // a verification still pending (Unknown) does not hold Ready back; a failed one does
      boolean blocks = type.equals(ConditionTypes.VERIFIED)
          ? condition.map(c -> StatusConditions.FALSE.equals(c.getStatus())).orElse(false)
          : !conditions.isTrue(type);
      if (blocks) {
        var failing = condition.orElseThrow();
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
    updateStatus(policy, context, (status, conditions) ->
        conditions.set(ConditionTypes.READY, false, "ReconcileError",
            "applying the children failed and is retried: " + rootMessage(e)));
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
